package dev.orderly.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryCsvTest {

    private static List<RegistryCsv.Row> read(String text) throws IOException {
        List<RegistryCsv.Row> rows = new ArrayList<>();
        RegistryCsv.read(new BufferedReader(new StringReader(text)), rows::add);
        return rows;
    }

    private static List<String> problems(List<RegistryCsv.Row> rows) {
        return rows.stream().filter(r -> r instanceof RegistryCsv.Invalid).flatMap(r -> ((RegistryCsv.Invalid) r).problems().stream())
                .map(RegistryCsv.Problem::toString).toList();
    }

    @Test
    void wellFormedLinesMakeResidentsInNormalisedForm() throws IOException {
        List<RegistryCsv.Row> rows = read("""
                resident_number,name,birth_date,phone
                640505-1234567,홍길동,1964-05-05,010-1234-5678
                6405052234568, 홍길순 ,1964-05-05,01012345678\r
                """);

        assertThat(rows).containsExactly(
                new RegistryCsv.Valid(2, new ResidentRecord("6405051234567", "홍길동", LocalDate.of(1964, 5, 5), "01012345678")),
                new RegistryCsv.Valid(3, new ResidentRecord("6405052234568", "홍길순", LocalDate.of(1964, 5, 5), "01012345678")));
    }

    @Test
    void quotedFieldsByteOrderMarkAndBlankLinesAreUnderstood() throws IOException {
        List<RegistryCsv.Row> rows = read("\uFEFF" + RegistryCsv.HEADER + "\n\n\"640505-1234567\",\"김 민수\",1964-05-05,\"010-1234-5678\"\n\n");

        assertThat(rows).hasSize(1);
        assertThat(((RegistryCsv.Valid) rows.getFirst()).line()).isEqualTo(3);
        assertThat(((RegistryCsv.Valid) rows.getFirst()).record().name()).isEqualTo("김 민수");
        // Quotes and commas parse inside a quoted field, and are then refused by the rules for names.
        assertThat(problems(read(RegistryCsv.HEADER + "\n640505-1234567,\"O\"\"Neil, Jr\",1964-05-05,010-1234-5678\n")))
                .containsExactly("line 2, name: must be 1-40 letters, spaces and . ' - ·");
    }

    @Test
    void eachProblemNamesLineAndColumnAndNeverTheValue() throws IOException {
        List<RegistryCsv.Row> rows = read("""
                resident_number,name,birth_date,phone
                640505-123456,홍길동,1964-05-05,010-1234-5678
                640505-1234567,홍길동2,1964-05-06,02-123-4567
                640505-1234567,홍길동,05/05/1964,010-1234-5678
                640505-1234567,홍길동,1964-05-05
                640505-1234567,"홍길동,1964-05-05,010-1234-5678
                """);

        assertThat(problems(rows)).containsExactly(
                "line 2, resident_number: not a resident registration number (YYMMDD-GNNNNNN with a real date)",
                "line 3, name: must be 1-40 letters, spaces and . ' - ·",
                "line 3, birth_date: is not the date of birth the resident number gives",
                "line 3, phone: not a Korean mobile number (01X-XXXX-XXXX)",
                "line 4, birth_date: must be a date as YYYY-MM-DD",
                "line 5: has 3 fields; expected 4 (resident_number,name,birth_date,phone)",
                "line 6: a quoted field is not closed (fields cannot span lines)");
        assertThat(String.join("\n", problems(rows))).doesNotContain("1234567").doesNotContain("5678").doesNotContain("홍길동");
    }

    @Test
    void aWrongHeaderStopsTheReadingAtLineOne() throws IOException {
        assertThat(problems(read("name,resident_number,birth_date,phone\n640505-1234567,홍길동,1964-05-05,010-1234-5678\n")))
                .containsExactly("line 1: the first line must be exactly 'resident_number,name,birth_date,phone'");
        assertThat(problems(read(""))).hasSize(1);
    }

    @Test
    void anOverlongLineIsRefusedUnparsed() throws IOException {
        assertThat(problems(read(RegistryCsv.HEADER + "\n" + "x".repeat(RegistryCsv.MAX_LINE_CHARS + 1) + "\n")))
                .containsExactly("line 2: longer than 512 characters");
    }

    @Test
    void whatIsWrittenReadsBackTheSame() throws IOException {
        ResidentRecord hong = new ResidentRecord("6405051234567", "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
        ResidentRecord lee = new ResidentRecord("0102034234567", "이 서연", LocalDate.of(2001, 2, 3), "0111234567");

        String text = RegistryCsv.HEADER + "\n" + RegistryCsv.line(hong) + "\n" + RegistryCsv.line(lee) + "\n";

        assertThat(RegistryCsv.line(hong)).isEqualTo("640505-1234567,홍길동,1964-05-05,010-1234-5678");
        assertThat(read(text)).containsExactly(new RegistryCsv.Valid(2, hong), new RegistryCsv.Valid(3, lee));
    }

    @Test
    void aRecordPrintsNeitherTheResidentNumberNorTheWholePhone() {
        String printed = new ResidentRecord("6405051234567", "홍길동", LocalDate.of(1964, 5, 5), "01012345678").toString();

        assertThat(printed).doesNotContain("6405051234567").doesNotContain("1234567").doesNotContain("01012345678").contains("010-****-5678");
    }
}
