/**
 * The reference ledger: a ledger of its own (own tables, own data source, own commits, never part of a gateway's
 * step transaction) that stands in for an organisation's ledger in the embedded default and the tests. It signs a
 * record of every action as the proof a third party can check, and answers queries about assets and supply.
 */
package org.satpgateway.ledger;
