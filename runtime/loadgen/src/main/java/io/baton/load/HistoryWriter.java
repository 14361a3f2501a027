package io.baton.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends one JSON object per line to the history file, for every outcome and every resolution
 * ({@link OpenLoopGenerator} documents the fields). Lines are written whole under a lock, in the
 * order outcomes end; the file is flushed every second and when the load stops (a reader during
 * the run may see a partial last line).
 */
final class HistoryWriter implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final BufferedWriter out;

  private HistoryWriter(Path path, BufferedWriter out) {
    this.path = path;
    this.out = out;
  }

  static HistoryWriter open(Path path) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new HistoryWriter(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the history file " + path + " (" + e
          + "): choose a writable path", e);
    }
  }

  /** The history line of {@code outcome}; {@code event} is {@code outcome} or {@code resolution}. */
  static ObjectNode line(String event, RequestOutcome outcome) {
    ObjectNode line = JSON.createObjectNode();
    line.put("event", event);
    line.put("seq", outcome.seq());
    line.put("stream", outcome.stream());
    line.put("phase", outcome.phase());
    line.put("type", outcome.request().type());
    line.put("id", outcome.request().id());
    line.put("key", outcome.request().key());
    line.set("body", jsonOrText(outcome.request().body()));
    line.put("issuedAt", outcome.issuedAtMillis());
    line.put("deadline", outcome.deadlineMillis());
    line.put("intendedStartMs", EntityClient.millis(outcome.intendedNanos()));
    line.put("endMs", EntityClient.millis(outcome.endNanos()));
    line.put("latencyMs", EntityClient.millis(outcome.latencyNanos()));
    line.put("outcome", outcome.outcome().name());
    line.put("status", outcome.answer().status());
    ArrayNode attempts = line.putArray("attempts");
    for (Attempt attempt : outcome.attempts()) {
      attempts.addObject().put("n", attempt.number()).put("target", attempt.target())
          .put("atMs", attempt.atMillis()).put("durationMs", attempt.durationMillis())
          .put("result", attempt.result());
    }
    line.set("response", jsonOrText(outcome.answer().body()));
    return line;
  }

  synchronized void write(String event, RequestOutcome outcome) {
    try {
      out.write(JSON.writeValueAsString(line(event, outcome)));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the history file " + path + ": " + e, e);
    }
  }

  synchronized void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush the history file " + path + ": " + e, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the history file " + path + ": " + e, e);
    }
  }

  private static JsonNode jsonOrText(String text) {
    String trimmed = text.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return JSON.readTree(trimmed);
      } catch (IOException e) {
        // not JSON after all: kept as text below
      }
    }
    return JSON.getNodeFactory().textNode(text);
  }
}
