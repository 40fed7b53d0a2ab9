/* loadschema.p -- load the oedr drill table (oedr.df) into a database just made from $DLC/empty.

   _progres -1 -b -db sports -p loadschema.p -param /path/to/oedr.df
   prodict/load_df.p is the Data Dictionary's loader shipped with OpenEdge ($DLC/tty or prodict.pl). */

RUN prodict/load_df.p (INPUT SESSION:PARAMETER).
QUIT.
