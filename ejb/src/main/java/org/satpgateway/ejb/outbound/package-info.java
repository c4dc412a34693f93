/**
 * Messages leaving the gateway: the gateway's queues on its broker ({@code JmsChannel}: the outbound queue, and the
 * inbound queue the door fills), the MDB that delivers {@code satp.outbound} over HTTPS with mutual TLS 1.3
 * ({@code PeerHttpChannel}, {@code PeerTls}), and the job events published to back offices.
 */
package org.satpgateway.ejb.outbound;
