/**
 * The SATP messages of stages 1 to 3, errors, session abort and crash recovery, as immutable records with the
 * drafts' field names. {@link org.satpgateway.core.message.MessageType} holds the stable numeric codes and the
 * URN wire names; the common fields live in {@link org.satpgateway.core.message.Common}. Records check their own
 * required fields; nothing here signs, encodes or decides.
 */
package org.satpgateway.core.message;
