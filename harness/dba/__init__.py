"""The one owner of the DBA's language: what a command line names, and what an OpenEdge utility prints.

* ``commands``: a DBA command line, parsed once into a typed ``DbaCommand`` (program, database,
  qualifier, kind, whether it moves the master-block counters, whether it is the harness's own read).
* ``readings``: one typed reader per output the harness consumes (describe counters, the AI extent list,
  an AI scan, oeclient's commits and digest, numbered message lines and the deciding one, the .lg),
  with the emulator's and a real OpenEdge's variants side by side where they differ.
* ``structure``: the .st structure file, read and rewritten.
* ``emulator``: the few emulator facts the harness needs (its release, a lock's holder, the numbers
  that accompany a refusal); ``embedded``: running one of its utilities in this process (local backend).

Nothing else in the harness parses a DBA command or an OpenEdge output, and nothing else imports
``oedr.harness.openedge`` (tests/unit/test_layers.py enforces both).
"""
