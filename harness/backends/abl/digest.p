/* digest.p -- how many records, and one hash over all of them in transaction order (oeclient DB digest).

   _progres -b -db sports -p digest.p -param "[upto-trid[,table]]"      (every record when upto is empty)
   Prints: records=<n> sha256=<64 hex digits>

   ABL has no incremental hash, so the value is a SHA-256 chain: h0 = SHA-256("oedr"), then for each record
   by Trid h = SHA-256(h + "|" + Trid + "|" + Stamp + "|" + Payload), in lower-case hex. MESSAGE-DIGEST with
   "SHA-256" exists from OpenEdge 11 on (SHA1-DIGEST is the older function; with it the value would have
   40 hex digits and the harness would still compare it). Two databases holding the same records give the
   same value; the value is not the emulator's (which hashes differently), and is only ever compared with
   another value from this same procedure. */

{oedrlib.i}

DEFINE VARIABLE cUpto   AS CHARACTER NO-UNDO.
DEFINE VARIABLE cWhere  AS CHARACTER NO-UNDO.
DEFINE VARIABLE cHash   AS CHARACTER NO-UNDO.
DEFINE VARIABLE iCount  AS INT64     NO-UNDO.
DEFINE VARIABLE hBuffer AS HANDLE    NO-UNDO.
DEFINE VARIABLE hQuery  AS HANDLE    NO-UNDO.

cUpto = oedrParam(1, "").
CREATE BUFFER hBuffer FOR TABLE oedrParam(2, "Customer").
CREATE QUERY hQuery.
hQuery:SET-BUFFERS(hBuffer).
cWhere = (IF cUpto = "" THEN "" ELSE " WHERE " + hBuffer:NAME + ".Trid <= " + cUpto).
hQuery:QUERY-PREPARE("FOR EACH " + hBuffer:NAME + " NO-LOCK" + cWhere + " BY " + hBuffer:NAME + ".Trid").
hQuery:QUERY-OPEN().
cHash = LC(HEX-ENCODE(MESSAGE-DIGEST("SHA-256", "oedr"))).
REPEAT:
    hQuery:GET-NEXT().
    IF hQuery:QUERY-OFF-END THEN LEAVE.
    iCount = iCount + 1.
    cHash = LC(HEX-ENCODE(MESSAGE-DIGEST("SHA-256", cHash + "|"
            + STRING(hBuffer:BUFFER-FIELD("Trid"):BUFFER-VALUE) + "|"
            + STRING(hBuffer:BUFFER-FIELD("Stamp"):BUFFER-VALUE) + "|"
            + hBuffer:BUFFER-FIELD("Payload"):BUFFER-VALUE))).
END.
hQuery:QUERY-CLOSE().
DELETE OBJECT hQuery.
DELETE OBJECT hBuffer.
PUT UNFORMATTED "records=" iCount " sha256=" cHash SKIP.
QUIT.
