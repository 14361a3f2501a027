package io.baton.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the operator endpoint, the {@code baton.ops} keys of {@code reference.conf}
 * (which documents each one). Immutable; validated when built.
 *
 * @param enabled whether the node serves the endpoint
 * @param host the interface the endpoint listens on
 * @param port the TCP port, or 0 for one the operating system picks
 * @param maxSupervisorTags the most distinct supervisor paths that get a metric series of their
 *     own; reports of further supervisors are counted under {@code supervisor="other"}
 * @param reportTimeout how long a status or drain request waits for the other nodes' reports
 */
public record OpsSettings(
    boolean enabled, String host, int port, int maxSupervisorTags, Duration reportTimeout) {

  /** The configuration path of these settings. */
  public static final String PATH = "baton.ops";

  public OpsSettings {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException(
          PATH + ".host must not be blank: give the interface to listen on, e.g. 127.0.0.1 or"
              + " 0.0.0.0 for all");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          PATH + ".port = " + port + " is out of range: use 1-65535, or 0 to let the system pick");
    }
    if (maxSupervisorTags < 1) {
      throw new IllegalArgumentException(
          PATH + ".metrics.max-supervisor-tags = " + maxSupervisorTags + " must be at least 1");
    }
    Objects.requireNonNull(reportTimeout, "reportTimeout");
    if (reportTimeout.isNegative() || reportTimeout.isZero()) {
      throw new IllegalArgumentException(
          PATH + ".report-timeout = " + reportTimeout + " must be positive, e.g. 2s");
    }
  }

  /**
   * The settings under {@code baton.ops} of an actor system's configuration (which includes the
   * reference configuration).
   *
   * @throws IllegalArgumentException naming the key, if a value is not allowed
   */
  public static OpsSettings fromConfig(Config config) {
    Config ops = config.getConfig(PATH);
    try {
      return new OpsSettings(
          ops.getBoolean("enabled"),
          ops.getString("host"),
          ops.getInt("port"),
          ops.getInt("metrics.max-supervisor-tags"),
          ops.getDuration("report-timeout"));
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new IllegalArgumentException(
          "a " + PATH + " key has a value of the wrong type: " + e.getMessage(), e);
    }
  }

  public OpsSettings withEnabled(boolean enabled) {
    return new OpsSettings(enabled, host, port, maxSupervisorTags, reportTimeout);
  }

  public OpsSettings withHost(String host) {
    return new OpsSettings(enabled, host, port, maxSupervisorTags, reportTimeout);
  }

  public OpsSettings withPort(int port) {
    return new OpsSettings(enabled, host, port, maxSupervisorTags, reportTimeout);
  }

  public OpsSettings withMaxSupervisorTags(int maxSupervisorTags) {
    return new OpsSettings(enabled, host, port, maxSupervisorTags, reportTimeout);
  }

  public OpsSettings withReportTimeout(Duration reportTimeout) {
    return new OpsSettings(enabled, host, port, maxSupervisorTags, reportTimeout);
  }
}
