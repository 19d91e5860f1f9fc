package io.clout.common.events;

/**
 * One line of an identity file: the account {@code accountId} on {@code network} is {@code
 * personId}.
 */
public record Identity(String personId, String network, String accountId) {}
