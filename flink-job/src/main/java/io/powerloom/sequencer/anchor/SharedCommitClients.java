package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.chain.commit.BatchCommitClient;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link BatchCommitClient} per configuration per JVM, shared by every anchor subtask in a TaskManager: the
 * client tracks each signer's nonce, so two clients with the same keys in one process would race for nonces.
 */
public final class SharedCommitClients {
    private static final Map<CommitClientConfig, Entry> CLIENTS = new HashMap<>();

    private static final class Entry {
        final BatchCommitClient client;
        int users;

        Entry(BatchCommitClient client) {
            this.client = client;
        }
    }

    private SharedCommitClients() {}

    public static synchronized BatchCommitClient acquire(CommitClientConfig config) {
        Entry e = CLIENTS.computeIfAbsent(config, c -> new Entry(BatchCommitClient.create(c)));
        e.users++;
        return e.client;
    }

    public static synchronized void release(CommitClientConfig config) {
        Entry e = CLIENTS.get(config);
        if (e != null && --e.users == 0) {
            CLIENTS.remove(config);
            e.client.close();
        }
    }
}
