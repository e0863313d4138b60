package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTargetCheckTest {

    @Test
    void ordinaryTargetsPass() {
        assertThat(ProtocolErrors.targetDefect("/api/clinics?province=%EC%84%9C%EC%9A%B8&days=3")).isEmpty();
        assertThat(ProtocolErrors.targetDefect("/api/clinics?province=a+b&flag")).isEmpty();
        assertThat(ProtocolErrors.targetDefect("/assets/css/app.css?v=2")).isEmpty();
    }

    @Test
    void controlCharactersBrokenEscapesAndBytesThatAreNotUtf8AreNamed() {
        assertThat(ProtocolErrors.targetDefect("/api/clinics?province=%00")).get().asString().contains("'province'");
        assertThat(ProtocolErrors.targetDefect("/api/clinics?district=%1B")).get().asString().contains("'district'");
        assertThat(ProtocolErrors.targetDefect("/api/clinics?province=%ZZ")).isPresent();
        assertThat(ProtocolErrors.targetDefect("/api/clinics?province=%C3%28")).isPresent();
        assertThat(ProtocolErrors.targetDefect("/api/clinics?province=%ED%A0%80")).isPresent();
        assertThat(ProtocolErrors.targetDefect("/api/gates/%00/status")).get().asString().contains("path");
        assertThat(ProtocolErrors.targetDefect("/api/clinics?%00=x")).get().asString().contains("a query parameter");
        assertThat(ProtocolErrors.targetDefect("/api/clinics?province=\u00ff")).isPresent();
    }
}
