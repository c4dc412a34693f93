/** Alerts to people: through the server's notification service and the alert logger. */
package org.satpgateway.ejb.notify;
