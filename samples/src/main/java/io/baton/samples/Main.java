package io.baton.samples;

import io.baton.samples.supervision.DemoStepFailed;
import io.baton.samples.supervision.SupervisionDemo;
import java.io.PrintStream;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the samples jar: {@code java -jar baton-samples-all.jar [sample]}.
 *
 * <p>Exit status: 0 when the sample ran and saw everything it expected; 1 when it did not (the
 * reason is printed on standard error); 2 for a command line it does not understand.
 */
public final class Main {

  /** The sample run when none is named. */
  static final String SUPERVISION_DEMO = "supervision-demo";

  static final int EXIT_OK = 0;
  static final int EXIT_SAMPLE_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    // Start logging before Pekko's threads race to: SLF4J would otherwise queue their first log
    // calls during its initialisation and print a warning about replaying them.
    LoggerFactory.getILoggerFactory();
    System.exit(run(List.of(args), System.out, System.err));
  }

  /** Runs the sample {@code args} name and answers the exit status; prints to out and err. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.size() == 1 && List.of("-h", "--help", "help").contains(args.get(0))) {
      usage(out);
      return EXIT_OK;
    }
    if (args.size() > 1 || (args.size() == 1 && !args.get(0).equals(SUPERVISION_DEMO))) {
      err.println("unknown arguments " + args + ": expected no argument or one sample name");
      usage(err);
      return EXIT_USAGE;
    }
    try {
      SupervisionDemo.run(out);
      return EXIT_OK;
    } catch (DemoStepFailed e) {
      out.flush();
      err.println("DEMO FAILED: " + e.getMessage());
      if (e.getCause() != null) {
        err.println("  caused by: " + e.getCause());
      }
      return EXIT_SAMPLE_FAILED;
    }
  }

  private static void usage(PrintStream to) {
    to.println("usage: java -jar baton-samples-all.jar [sample]");
    to.println("samples:");
    to.println("  " + SUPERVISION_DEMO + "  (default) a supervision tree that crashes, restarts,"
        + " escalates and stops in order");
  }
}
