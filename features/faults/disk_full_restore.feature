@docker_only @restore @probkup
Feature: The DR host's disk fills up during a restore
  The DR host keeps its standby copy of the database and restores the newest backup beside it, so that a
  restore that cannot finish never costs the standby. When the disk fills up part-way, prorest stops with
  OpenEdge's "Insufficient disk space" message (6091, KB P22954) and a non-zero exit status, and every
  file of the standby is exactly as it was. The DR host's database directory is a size-limited tmpfs, so
  the kernel itself refuses the write (ENOSPC): only a container gives this fault truthfully.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 400 transactions are committed to "sports" on production
    And an offline OS copy of "sports" was taken on production and copied to DR

  Scenario: prorest beside the standby stops with 6091 on a full disk and leaves the standby untouched
    When I run `probkup online sports sports.bck` on production
    And I copy "sports.bck" from production to DR
    And the DR host's disk has only 64 KB free
    And I note the files of "sports" on DR
    And I run `prorest sportsnew sports.bck` on DR
    Then it fails with message 6091
    And the DR host's disk is full
    And no file of "sports" on DR has changed
