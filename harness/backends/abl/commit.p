/* commit.p -- N transactions, each creating one record in its own transaction (oeclient DB commit).

   _progres -b -db sports -p commit.p -param "N[,table[,bytes]]"     (table Customer, 100 bytes by default)
   Prints one line per transaction as it commits:
     committed trid=<n> time=<ctime> (<microseconds>) */

{oedrlib.i}

DEFINE VARIABLE iCount  AS INTEGER NO-UNDO.
DEFINE VARIABLE iDone   AS INTEGER NO-UNDO.
DEFINE VARIABLE hBuffer AS HANDLE  NO-UNDO.
DEFINE VARIABLE iTrid   AS INT64   NO-UNDO.

iCount = INTEGER(oedrParam(1, "1")).
CREATE BUFFER hBuffer FOR TABLE oedrParam(2, "Customer").
DO iDone = 1 TO iCount:
    iTrid = oedrCommitOne(hBuffer, FILL("x", INTEGER(oedrParam(3, "100")))).
END.
DELETE OBJECT hBuffer.
QUIT.
