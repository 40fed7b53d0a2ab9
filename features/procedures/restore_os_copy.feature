@restore @os_copy
Feature: Restore an OS copy on the DR host and roll it forward
  Progress KB P102501, P23580 and P115048. Put every file of the copy in place and remove a copied .lk;
  write a .st that names every extent of the copy by its full path on the DR host and run prostrct
  repair; run rfutil -C sequence BEFORE any roll forward; roll forward every AI file from the one the
  copy's switch started, in order. A roll forward interrupted by a crash is finished with roll forward
  retry on the same file; roll forward oplock keeps every other opener out until rfutil -C roll opunlock
  (an open between two roll forwards would spend them). The DR database must end up holding exactly
  production's committed data as of the last AI file applied. A replication source's switched AI extents
  stay LOCKED until replicated: they are archived like FULL ones but cannot be emptied.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 20 transactions are committed to "sports" on production
    And an offline OS copy of "sports" was taken on production and copied to DR
    And 12 transactions are committed to "sports" on production

  Scenario: the documented restore, file by file
    When I run `rfutil sports -C aimage new` on production
    And 8 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    Then there is no "sports.lk" on DR
    When I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    Then it succeeds
    When I run `rfutil sports -C sequence` on DR
    Then message 12428 reads "Ai sequence 1 changed to 2 (12428)"
    When I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    Then it succeeds
    And the output shows message 663
    And the output shows message 846
    And "sports" on DR expects AI file 3
    When I run `rfutil sports -C roll forward -a archive/sports.3.sports.a3` on DR
    Then it succeeds
    And "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

  @retry @emulator_only
  Scenario: a roll forward killed part-way is finished with roll forward retry
    When I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    And I run `rfutil sports -C sequence` on DR
    And the roll forward `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR is killed after 5 AI notes
    And I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    Then it fails with message 90055
    When I run `rfutil sports -C roll forward retry -a archive/sports.2.sports.a2` on DR
    Then it succeeds
    And "sports" on DR expects AI file 3
    And "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

  @emulator_only
  Scenario: rolled forward from a list under oplock: the standby cannot be started until roll opunlock
    When I run `rfutil sports -C aimage new` on production
    And 8 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run these commands on DR, each succeeding:
      | command                          |
      | prostrct repair sports sports.st |
      | rfutil sports -C sequence        |
    And I write "sports.ailist" on DR listing the archived AI files of "sports" from sequence 2
    And I run `rfutil sports -C roll forward oplock -ailist sports.ailist` on DR
    Then it succeeds
    And message 90131 reads "Target database has been locked during roll forward process. (90131)"
    And "sports" on DR expects AI file 4
    # The protection keeps every other opener out, so nothing can spend the roll forward by mistake.
    When I run `proserve sports` on DR
    Then it fails with message 90132
    And message 90132 reads "Please wait until the roll forward process is finished or use the rfutil -C roll opunlock option to disable the protection. (90132)"
    When I run `rfutil sports -C roll opunlock` on DR
    Then it succeeds
    And message 90133 reads "Target database has been unlocked during roll forward process. (90133)"
    And "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied
    # DOC: once unlocked, further roll forward operations fail.
    When 3 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I run `rfutil sports -C roll forward -a archive/sports.4.sports.a4` on DR
    Then it fails with message 833

  @replication @emulator_only
  Scenario Outline: a copy of a replication source is made a plain DR copy first
    Given on production a database "sales" with <areas> data areas and 3 <kind> AI extents
    And after-imaging is enabled for "sales" on production
    And "sales" is a replication source on production
    And "sales" is served on production
    And 6 transactions are committed to "sales" on production
    And an offline OS copy of "sales" was taken on production and copied to DR
    When 4 transactions are committed to "sales" on production
    And I run `rfutil sales -C aimage new` on production
    # A source's switched extents are LOCKED until replicated: not FULL, so they cannot be emptied.
    And I run `rfutil sales -C aimage extent empty 1` on production
    Then it fails with message 90130
    When I run `rfutil sales -C aimage extent empty` on production
    Then it fails with message 90130
    When I archive the full AI extents of "sales" from production to DR
    And I write "sales.st" on DR listing every extent of "sales" with its full path
    And I run these commands on DR, each succeeding:
      | command                                      |
      | prostrct repair sales sales.st               |
      | proutil sales -C disablesitereplication source |
      | rfutil sales -C sequence                     |
    And I roll forward "sales" on DR with the archived AI files from sequence 2
    Then "sales" on DR holds exactly the data of "sales" on production as of the last AI file applied

    Examples:
      | areas | kind     |
      | 1     | fixed    |
      | 3     | variable |
