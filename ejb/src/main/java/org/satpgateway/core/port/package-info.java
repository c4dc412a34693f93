/**
 * Ports the core defines and adapters implement: the log storage API, the transport to the counterpart gateway,
 * and the directory of trusted peers. Each states its durability promise.
 */
package org.satpgateway.core.port;
