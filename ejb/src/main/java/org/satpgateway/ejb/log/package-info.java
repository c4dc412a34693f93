/**
 * The gateway log in the database (JPA): the entries of every session, unique by the protocol's key, in append
 * order, and an index of sessions for status queries and recovery; beside them the jobs that opened client
 * sessions, the refused messages and the counterpart's keys, all written in the step's transaction. Adapters of
 * the core's {@code LogStore}.
 */
package org.satpgateway.ejb.log;
