/* load.p -- commit for S seconds, at R transactions a second if R > 0 (oeclient DB load).

   _progres -b -db sports -p load.p -param "S[,R[,table[,bytes]]]"
   Prints a committed line per transaction, then: load committed=<n> seconds=<S> */

{oedrlib.i}

DEFINE VARIABLE iSeconds AS INTEGER NO-UNDO.
DEFINE VARIABLE iRate    AS INTEGER NO-UNDO.
DEFINE VARIABLE iDone    AS INTEGER NO-UNDO.
DEFINE VARIABLE iTrid    AS INT64   NO-UNDO.
DEFINE VARIABLE iAhead   AS INT64   NO-UNDO.
DEFINE VARIABLE hBuffer  AS HANDLE  NO-UNDO.

iSeconds = INTEGER(oedrParam(1, "0")).
iRate    = INTEGER(oedrParam(2, "0")).
CREATE BUFFER hBuffer FOR TABLE oedrParam(3, "Customer").
iAhead = ETIME(TRUE).  /* reset the millisecond clock */
DO WHILE ETIME < iSeconds * 1000:
    iTrid = oedrCommitOne(hBuffer, FILL("x", INTEGER(oedrParam(4, "100")))).
    iDone = iDone + 1.
    IF iRate > 0 THEN DO:
        iAhead = INT64(iDone * 1000 / iRate) - ETIME.
        /* a fractional PAUSE needs OpenEdge 11 or later; older releases round it to whole seconds */
        IF iAhead > 0 THEN PAUSE iAhead / 1000 NO-MESSAGE.
    END.
END.
PUT UNFORMATTED "load committed=" iDone " seconds=" iSeconds SKIP.
DELETE OBJECT hBuffer.
QUIT.
