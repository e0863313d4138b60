package dev.orderly.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/** Logging for a command-line tool: its lines go to standard error, leaving standard output to what the tool prints. */
final class CliLogging {

    private CliLogging() {
    }

    static void toStandardError() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
                Appender<ILoggingEvent> appender = it.next();
                if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
                    console.stop();
                    console.setTarget("System.err");
                    console.start();
                }
            }
        }
    }
}
