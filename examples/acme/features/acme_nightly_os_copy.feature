@offline @os_copy @restore
Feature: ACME nightly offline copy and the DR drill
  Our runbook DR-7: every night at 01:00 the order database is shut down, its BI truncated, the AI file
  switched, the files copied to the DR site, the database marked backed up and restarted. During the
  day the archiver ships every full AI file to the DR site. The drill proves the copy and the AI files
  bring the DR database to exactly what production had committed.

  Background:
    Given a production host and a DR host
    And on production a database "acme" with the structure in "../acme.st"
    And after-imaging is enabled for "acme" on production
    And "acme" is served on production
    And 40 transactions are committed to "acme" on production

  Scenario: the nightly copy restores and rolls forward to production's data
    When I run these commands on production, each succeeding:
      | command                      |
      | proshut acme -by             |
      | proutil acme -C truncate bi  |
      | rfutil acme -C aimage new    |
    And I copy every file of "acme" from production to DR
    And I run these commands on production, each succeeding:
      | command                      |
      | rfutil acme -C mark backedup |
      | proserve acme                |
    And 25 transactions are committed to "acme" on production
    And I run `rfutil acme -C aimage new` on production
    And I archive the full AI extents of "acme" from production to DR
    And I write "acme.st" on DR listing every extent of "acme" with its full path
    And I run these commands on DR, each succeeding:
      | command                      |
      | prostrct repair acme acme.st |
      | rfutil acme -C sequence      |
    And I roll forward "acme" on DR with the archived AI files from sequence 2
    Then "acme" on DR holds exactly the data of "acme" on production as of the last AI file applied
