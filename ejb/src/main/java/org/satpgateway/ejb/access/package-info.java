/**
 * Who may use the gateway: the bearer tokens of back offices and operators, checked against the bank's identity
 * provider, and the roles they carry.
 */
package org.satpgateway.ejb.access;
