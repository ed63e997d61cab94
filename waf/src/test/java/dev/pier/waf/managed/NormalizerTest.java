package dev.pier.waf.managed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The views of an input: what each transformation keeps, removes and spaces apart. */
class NormalizerTest {

    @Test
    void theDecodedViewRemovesNothing() {
        assertThat(Normalizer.decoded("%2F%2A%20%3Cscript%3Ealert(1)%3C%2Fscript%3E%20%2A%2F"))
                .isEqualTo("/* <script>alert(1)</script> */");
        assertThat(Normalizer.decoded("%253Cimg&#x20;SRC=x%3E")).isEqualTo("<img src=x>"); // double encoding, entities, case
        assertThat(Normalizer.decoded("{{7+7}}")).isEqualTo("{{7+7}}");
        assertThat(Normalizer.decoded("x%0d%0a%09id")).isEqualTo("x\nid"); // a line break separates shell commands
        assertThat(Normalizer.decoded("a \t\u000b b")).isEqualTo("a b");
    }

    @Test
    void theUncommentedViewDropsCommentsButKeepsWhatMysqlRuns() {
        assertThat(Normalizer.uncommented("un/**/ion sel/*x*/ect")).isEqualTo("un ion sel ect");
        assertThat(Normalizer.uncommented("1 /*!50000union*/ select")).isEqualTo("1 union select");
        assertThat(Normalizer.uncommented("1 union#x\nselect 1")).isEqualTo("1 union select 1");
        assertThat(Normalizer.uncommented("1 union-- x\nselect 1")).isEqualTo("1 union select 1");
        assertThat(Normalizer.uncommented("admin'--")).isEqualTo("admin'--"); // no line break ends it: nothing to read on to
        assertThat(Normalizer.uncommented("1+or+1=1")).isEqualTo("1 or 1=1");
        assertThat(Normalizer.uncommented("/* ; cat /etc/passwd */")).isEqualTo(" "); // hence the other views
    }

    @Test
    void theSqlViewSpacesApartWhatMysqlReadsAsSeparateTokens() {
        assertThat(Normalizer.sql("1union select 1,2,3from`users`")).isEqualTo("1 union select 1 , 2 , 3 from `users`");
        assertThat(Normalizer.sql("0union(select(1))")).isEqualTo("0 union ( select ( 1 ) )");
        assertThat(Normalizer.sql("1e0union select .1from dual")).isEqualTo("1e0 union select .1 from dual");
        assertThat(Normalizer.sql("1 or-1=-1")).isEqualTo("1 or - 1 = - 1");
        assertThat(Normalizer.sql("a<>b||c")).isEqualTo("a <> b || c");
        // ids and versions stay whole: only a keyword splits from a number
        assertThat(Normalizer.sql("2d37de81 v2.0release 4or5 1st")).isEqualTo("2d37de81 v2.0release 4or5 1st");
    }

    @Test
    void commentsHoldInputsOfTheirOwn() {
        assertThat(Normalizer.commentBodies("x/* <img src=x onerror=alert(1)> */ y <!-- a --> b -- c"))
                .containsExactly("<img src=x onerror=alert(1)>", "a", "c");
        assertThat(Normalizer.commentBodies("/* ' or 1=1-- ")).containsExactly("' or 1=1--"); // unclosed: to the end
        assertThat(Normalizer.commentBodies("#x\n1")).containsExactly("x");
        assertThat(Normalizer.commentBodies("c-- x")).containsExactly("x");
        assertThat(Normalizer.commentBodies("a--b 1-2 /**/")).isEmpty(); // "--" needs a space after it; empty bodies are left out
        assertThat(Normalizer.commentBodies("/*/**/ p */")).containsExactly("/*"); // the rest is outside: MySQL does not nest
    }

    @Test
    void withoutMarkersACommentAcrossAnAttackReadsOn() {
        assertThat(Normalizer.unmarked("/* rooms/'/**/or/**/1=1 */")).isEqualTo("rooms/' or 1=1");
        assertThat(Normalizer.unmarked("/*!50000union*/<!--x-->#y")).isEqualTo("union x y");
    }

    @Test
    @Timeout(10)
    void adversarialInputsTakeLinearTime() {
        for (String unit : List.of("/*", "#", "-- ", "<!--", "/*!", "*/", "/**/", "1union", "`")) {
            String s = unit.repeat(200_000 / unit.length());
            String decoded = Normalizer.decoded(s);
            Normalizer.commentBodies(decoded).forEach(Normalizer::commentBodies);
            Normalizer.sql(Normalizer.uncommented(decoded));
            Normalizer.unmarked(decoded);
        }
    }
}
