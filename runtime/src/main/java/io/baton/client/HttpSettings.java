package io.baton.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a node's client entry point over HTTP ({@link HttpEntryPoint}), the {@code
 * baton.client.http} keys of {@code reference.conf} (which documents each one). Immutable;
 * validated when built.
 *
 * @param enabled whether the node serves the entry point
 * @param host the interface it listens on
 * @param port the TCP port, or 0 for one the operating system picks
 * @param maxAskTimeout the longest a request waits for its entity, whatever its deadline
 * @param defaultDeadline the deadline of a request that does not carry one
 * @param stopDeadline how long a stopping node lets requests in flight finish before it closes
 *     every connection
 */
public record HttpSettings(boolean enabled, String host, int port, Duration maxAskTimeout,
    Duration defaultDeadline, Duration stopDeadline) {

  /** The configuration path of these settings. */
  public static final String PATH = "baton.client.http";

  public HttpSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(maxAskTimeout, "maxAskTimeout");
    Objects.requireNonNull(defaultDeadline, "defaultDeadline");
    Objects.requireNonNull(stopDeadline, "stopDeadline");
    if (host.isBlank()) {
      throw new IllegalArgumentException(PATH + ".host must not be blank: give the interface to"
          + " listen on, e.g. 127.0.0.1, or 0.0.0.0 for all");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          PATH + ".port = " + port + " is out of range: use 1-65535, or 0 to let the system pick");
    }
    if (maxAskTimeout.isNegative() || maxAskTimeout.isZero()) {
      throw new IllegalArgumentException(
          PATH + ".max-ask-timeout = " + maxAskTimeout + " must be positive");
    }
    if (defaultDeadline.isNegative() || defaultDeadline.isZero()) {
      throw new IllegalArgumentException(
          PATH + ".default-deadline = " + defaultDeadline + " must be positive");
    }
    if (stopDeadline.isNegative() || stopDeadline.isZero()) {
      throw new IllegalArgumentException(
          PATH + ".stop-deadline = " + stopDeadline + " must be positive");
    }
  }

  /**
   * The settings under {@code baton.client.http} of an actor system's configuration.
   *
   * @throws IllegalArgumentException naming the key, if a value is not allowed
   */
  public static HttpSettings fromConfig(Config config) {
    Config http = config.getConfig(PATH);
    try {
      return new HttpSettings(
          http.getBoolean("enabled"),
          http.getString("host"),
          http.getInt("port"),
          http.getDuration("max-ask-timeout"),
          http.getDuration("default-deadline"),
          http.getDuration("stop-deadline"));
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new IllegalArgumentException(
          "a " + PATH + " key has a value of the wrong type: " + e.getMessage(), e);
    }
  }
}
