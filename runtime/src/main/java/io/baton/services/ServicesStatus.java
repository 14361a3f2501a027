package io.baton.services;

import java.util.List;

/**
 * The node's service tree as {@code GET /status} shows it: every service that has started, and
 * the latest supervisor reports of the tree, oldest first.
 *
 * @param services one per service, in the order they first started
 * @param reports the latest reports of the node's tree (at most {@code
 *     baton.node.services.report-history}), each one line
 */
public record ServicesStatus(List<Service> services, List<String> reports) {

  /**
   * One service.
   *
   * @param path its place in the tree, e.g. {@code journal/replica-endpoint}
   * @param state {@code running}, {@code exited} (it exited and its supervisor restarts it or gave
   *     up) or {@code stopped} (its supervisor stopped it, as asked)
   * @param starts how many times it started: 1, then one more per restart
   * @param lastExit the reason of its last exit, or null if it never exited
   */
  public record Service(String path, String state, int starts, String lastExit) {}
}
