package io.powerloom.sequencer.bridge.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuAccountTest {
    @Test
    void aThreadsCpuTimeGoesToItsGroup() throws Exception {
        CpuAccount account = CpuAccount.start(name -> name.equals("burner") ? "bridge:io" : "driver:main");
        java.util.concurrent.CountDownLatch burnt = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Thread burner = new Thread(
                () -> {
                    long x = 0;
                    while (threads.getCurrentThreadCpuTime() < 150_000_000L) {
                        x += Long.numberOfTrailingZeros(x + 1);
                    }
                    if (x == 42) {
                        System.out.print("");
                    }
                    burnt.countDown();
                    try {
                        stopped.await(); // still alive at stop(): its time is counted to its group
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "burner");
        burner.start();
        burnt.await();
        CpuAccount.Spent spent = account.stop();
        stopped.countDown();
        burner.join();
        long burned = spent.nanosByGroup().get("bridge:io");
        assertTrue(burned >= 150_000_000L, "burner's CPU " + burned);
        assertTrue(spent.processNanos() >= burned, "process " + spent.processNanos() + " < thread " + burned);
        assertEquals(burned / 1e3 / 1000, spent.microsPerOwner("bridge", 1000), 1e-9);
        assertTrue(
                spent.describe(1000).contains("bridge=" + String.format(java.util.Locale.ROOT, "%.1f", burned / 1e6)),
                spent.describe(1000));
    }

    @Test
    void threadsAreGroupedByName() {
        String loops = "libp2p-abcdef-";
        assertEquals("bridge:io", CollectLoadDriver.threadGroup("libp2p-abcdef-3-1", loops));
        assertEquals("driver:clients", CollectLoadDriver.threadGroup("libp2p-zzzzzz-4-2", loops));
        assertEquals("bridge:send", CollectLoadDriver.threadGroup("kafka-send-load-bridge", loops));
        assertEquals(
                "bridge:producer",
                CollectLoadDriver.threadGroup("kafka-producer-network-thread | ingest-load-bridge", loops));
        assertEquals("bridge:other", CollectLoadDriver.threadGroup("collect-flow-control", loops));
        assertEquals("driver:main", CollectLoadDriver.threadGroup("main", loops));
    }
}
