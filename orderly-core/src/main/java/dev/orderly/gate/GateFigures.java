package dev.orderly.gate;

import java.time.Duration;

/**
 * Live figures of one gate, for operators and dashboards.
 *
 * @param issued          places handed out
 * @param admitted        the mark: everyone up to it admitted
 * @param waiting         places handed out and not admitted
 * @param admitPerSecond  measured over the last minute (the nominal rate until something is measured)
 * @param etaOfLast       estimated wait of the last person in line
 * @param outstanding     admitted people whose pass is neither spent nor expired
 * @param preQueueSize    people placed at opening from the pre-queue; -1 before opening
 */
public record GateFigures(String gate, GatePhase phase, long issued, long admitted, long waiting, double admitPerSecond,
                          Duration etaOfLast, long outstanding, long preQueueSize, String message) {
}
