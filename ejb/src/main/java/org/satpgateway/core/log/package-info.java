/**
 * The gateway log's entry type (protocol.md, The gateway log). Entries are facts; {@code session.SessionLog}
 * makes them and replays them.
 */
package org.satpgateway.core.log;
