package dev.orderly.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditCsvTest {

    @Test
    void theHeaderNamesEveryColumn() {
        assertThat(AuditCsv.header()).isEqualTo("sequence,at,actor,role,action,target,before,after,address,previous_hash,hash\r\n");
    }

    @Test
    void fieldsWithCommasQuotesOrLineBreaksAreQuotedAndQuotesDoubled() {
        assertThat(AuditCsv.cell("plain")).isEqualTo("plain");
        assertThat(AuditCsv.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(AuditCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(AuditCsv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(AuditCsv.cell("cr\rhere")).isEqualTo("\"cr\rhere\"");
        assertThat(AuditCsv.cell("")).isEmpty();
    }

    @Test
    void cellsASpreadsheetWouldRunAsAFormulaAreWrittenAsText() {
        assertThat(AuditCsv.cell("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(AuditCsv.cell("+1")).isEqualTo("'+1");
        assertThat(AuditCsv.cell("-1+2")).isEqualTo("'-1+2");
        assertThat(AuditCsv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(AuditCsv.cell("\t=1")).isEqualTo("'\t=1");
        assertThat(AuditCsv.cell("a=1")).isEqualTo("a=1");
    }

    @Test
    void anEntryIsOneRowWithNullStatesEmpty() {
        AuditEntry e = AuditChain.next(7, Instant.parse("2021-07-19T11:00:00Z"),
                new AuditEvent("kim", "operator", "cohort.delete", "cohort:teachers", "{\"name\":\"T, A\"}", null, "::1"), AuditChain.GENESIS);

        assertThat(AuditCsv.row(e)).isEqualTo("7,2021-07-19T11:00:00Z,kim,operator,cohort.delete,cohort:teachers,\"{\"\"name\"\":\"\"T, A\"\"}\",,::1,"
                + AuditChain.GENESIS + "," + e.hash() + "\r\n");
    }
}
