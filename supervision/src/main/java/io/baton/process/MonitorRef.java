package io.baton.process;

/**
 * Identifies one monitor made by {@link Links#monitor}; pass it to {@link Links#demonitor}.
 *
 * @param id unique within the monitoring process
 */
public record MonitorRef(String id) {}
