package io.powerloom.sequencer.anchor;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the anchor stage talks to IPFS and waits on its asynchronous calls; the job reads them from its configuration.
 *
 * @param ipfsApi            Kubo RPC API URL of the IPFS node
 * @param ipfsTimeout        timeout of one IPFS request
 * @param timeout            timeout of one asynchronous anchor call (upload, commit, end of epoch, audit)
 * @param capacity           asynchronous calls in flight per subtask
 * @param closeBufferTimeout how long part-filled network buffers wait after an epoch's close
 */
public record AnchorSettings(
        String ipfsApi, Duration ipfsTimeout, Duration timeout, int capacity, Duration closeBufferTimeout)
        implements Serializable {}
