/**
 * The gateway log in the database (JPA): the entries of every session, unique by the protocol's key, in append
 * order, and an index of sessions for status queries and recovery. Adapters of the core's {@code LogStore}.
 */
package org.satpgateway.ejb.log;
