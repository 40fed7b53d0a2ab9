/* oedrlib.i -- shared definitions of the oedr workload procedures (commit.p, load.p, digest.p).

   The oedr harness runs these with `_progres -b` in place of the emulator's `oeclient` when it drives a
   site's licensed OpenEdge (--oe-backend openedge). Their output lines are exactly oeclient's, so the
   harness reads both the same way:
     committed trid=<DBTASKID> time=<ctime of the commit> (<microseconds since 1970-01-01 UTC>)
     records=<n> sha256=<hex>
     load committed=<n> seconds=<s>
   -param is a comma-separated list; see each procedure. */

DEFINE VARIABLE dtEpoch AS DATETIME-TZ NO-UNDO.
dtEpoch = DATETIME-TZ(1, 1, 1970, 0, 0, 0, 0, 0).

/* ctime(3) style, as OpenEdge prints dates in messages: "Thu May 27 21:13:10 2010" (day padded). */
FUNCTION oedrCtime RETURNS CHARACTER (INPUT dtStamp AS DATETIME-TZ):
    DEFINE VARIABLE dDate AS DATE NO-UNDO.
    dDate = DATE(dtStamp).
    RETURN ENTRY(WEEKDAY(dDate), "Sun,Mon,Tue,Wed,Thu,Fri,Sat") + " "
         + ENTRY(MONTH(dDate), "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec") + " "
         + STRING(DAY(dDate), "z9") + " "
         + STRING(INTEGER(TRUNCATE(MTIME(dtStamp) / 1000, 0)), "HH:MM:SS") + " "
         + STRING(YEAR(dDate), "9999").
END FUNCTION.

/* Microseconds since the epoch (ABL clocks have millisecond resolution). */
FUNCTION oedrMicros RETURNS INT64 (INPUT dtStamp AS DATETIME-TZ):
    RETURN (dtStamp - dtEpoch) * 1000.
END FUNCTION.

/* One transaction creating one record of the table; prints its committed line. */
FUNCTION oedrCommitOne RETURNS INT64 (INPUT hBuffer AS HANDLE, INPUT cPayload AS CHARACTER):
    DEFINE VARIABLE iTrid   AS INT64       NO-UNDO.
    DEFINE VARIABLE dtStamp AS DATETIME-TZ NO-UNDO.
    DO TRANSACTION:
        hBuffer:BUFFER-CREATE().
        iTrid = DBTASKID(LDBNAME(1)).
        hBuffer:BUFFER-FIELD("Trid"):BUFFER-VALUE = iTrid.
        hBuffer:BUFFER-FIELD("Payload"):BUFFER-VALUE = cPayload.
        dtStamp = NOW.
        hBuffer:BUFFER-FIELD("Stamp"):BUFFER-VALUE = oedrMicros(dtStamp).
        hBuffer:BUFFER-RELEASE().
    END.
    /* printed after END: the transaction has committed when the client says so */
    PUT UNFORMATTED "committed trid=" iTrid " time=" oedrCtime(dtStamp) " (" oedrMicros(dtStamp) ")" SKIP.
    RETURN iTrid.
END FUNCTION.

FUNCTION oedrParam RETURNS CHARACTER (INPUT iEntry AS INTEGER, INPUT cDefault AS CHARACTER):
    DEFINE VARIABLE cParam AS CHARACTER NO-UNDO.
    cParam = SESSION:PARAMETER.
    IF cParam = ? OR NUM-ENTRIES(cParam) < iEntry OR ENTRY(iEntry, cParam) = "" THEN RETURN cDefault.
    RETURN ENTRY(iEntry, cParam).
END FUNCTION.
