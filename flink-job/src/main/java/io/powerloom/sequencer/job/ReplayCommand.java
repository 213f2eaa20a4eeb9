package io.powerloom.sequencer.job;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The replay as a command: runs {@link ReplayJob} in this JVM (a local Flink mini cluster) and reports, or with
 * {@code --report} only reports a replay that ran on a cluster; exits with 0 (all match, or re-anchored),
 * 2 (mismatch), 3 (pending: epochs not committed yet) or 1 (error, one line on standard error).
 *
 * <pre>
 * java -cp flink-job.jar:&lt;Flink jars&gt; io.powerloom.sequencer.job.ReplayCommand [--parallelism N] --mode audit --from epoch:1 ...
 * java -cp ... io.powerloom.sequencer.job.ReplayCommand --report --run-id audit-1 --mode audit --from epoch:1 ...
 * </pre>
 *
 * {@code flink-cluster/replay.sh} wraps both. This class is for a JVM of its own; on a cluster the entry point is
 * {@link ReplayJob}, which never exits the JVM.
 */
public final class ReplayCommand {
    private ReplayCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs (or with {@code --report} only reports) a replay; returns the exit code. */
    public static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean reportOnly = rest.remove("--report");
        try {
            if (reportOnly) {
                ReplayJob.Request r = ReplayJob.parse(rest.toArray(new String[0]));
                if (r.runId() == null) {
                    throw new IllegalArgumentException("--report needs the --run-id of the replay");
                }
                SequencerConfig base =
                        SequencerConfig.resolve(new Configuration(), r.jobArgs().toArray(new String[0]), environment);
                Map<String, String> c =
                        new java.util.HashMap<>(base.toConfiguration().toMap());
                c.putAll(ReplayJob.outputs(base, r.runId()));
                c.put(SequencerConfig.ANCHOR_MODE.key(), "audit".equals(r.mode()) ? "audit" : "commit");
                return ReplayJob.report(SequencerConfig.of(Configuration.fromMap(c)), out)
                        .exitCode();
            }
            int parallelism = -1;
            int at = rest.indexOf("--parallelism");
            if (at >= 0) {
                if (at + 1 >= rest.size() || !rest.get(at + 1).matches("[1-9][0-9]{0,3}")) {
                    throw new IllegalArgumentException("--parallelism needs a positive number");
                }
                parallelism = Integer.parseInt(rest.remove(at + 1));
                rest.remove(at);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            if (parallelism > 0) {
                env.setParallelism(parallelism);
            }
            ReplayJob.Prepared p = ReplayJob.prepare(
                    Configuration.fromMap(env.getConfiguration().toMap()),
                    rest.toArray(new String[0]),
                    environment,
                    System.currentTimeMillis(),
                    out);
            ReplayJob.configure(env, p);
            env.execute(ReplayJob.jobName(p));
            return ReplayJob.report(p.config(), out).exitCode();
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            return ReplayJob.EXIT_ERROR;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("replay failed: " + root);
            return ReplayJob.EXIT_ERROR;
        }
    }
}
