/** The gateway's counters and timers (MicroProfile Metrics), fed by the steps. */
package org.satpgateway.ejb.metrics;
