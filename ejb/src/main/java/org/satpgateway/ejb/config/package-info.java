/**
 * The gateway's settings and files: {@code GatewaySettings} read once at start-up and held with the clock by
 * {@code GatewayConfig}, the key files ({@code KeyFiles}) and the PKI files (key stores, trust stores, the
 * organisation's CA folder, {@code PkiFiles}). Depends on no other package of the EJB layer; every other one may
 * read it.
 */
package org.satpgateway.ejb.config;
