-- Tables the python-oracledb 4.x suite reads that the cx_Oracle 8.3.0 test schema
-- (loaded before this file by load_schema.py) does not create. Written for oradb from
-- what the suite's own tests describe and expect (column names, types, precisions and
-- the module_data fixtures of test_4800/test_4900). TestTempTable is re-created with the
-- columns the 4.x suite writes (StringCol1, StringCol2; cx_Oracle's had one StringCol), and
-- TestTimestamps with the TimestampPrecisionCol timestamp(4) of test_2600's module_data.
-- `&main_user.` is substituted as SQL*Plus does. Every statement ends at a line holding only "/".
drop table &main_user..TestTempTable
/
create table &main_user..TestTempTable (
    IntCol number(9) not null,
    StringCol1 varchar2(400),
    StringCol2 varchar2(400),
    NumberCol number(25,2),
    constraint TestTempTable_pk primary key (IntCol)
)
/
drop table &main_user..TestTimestamps
/
create table &main_user..TestTimestamps (
    IntCol number(9) not null,
    TimestampCol timestamp not null,
    NullableCol timestamp,
    TimestampPrecisionCol timestamp(4)
)
/
insert into &main_user..TestTimestamps values (1, timestamp '2002-12-10 00:00:02.500000', timestamp '2002-12-11 00:00:03.125000', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (2, timestamp '2002-12-11 00:00:04.100000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (3, timestamp '2002-12-12 00:00:06.150000', timestamp '2002-12-13 00:00:09.375000', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (4, timestamp '2002-12-13 00:00:08.200000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (5, timestamp '2002-12-14 00:00:10.250000', timestamp '2002-12-15 00:00:15.625000', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (6, timestamp '2002-12-15 00:00:12.300000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (7, timestamp '2002-12-16 00:00:14.350000', timestamp '2002-12-17 00:00:21.875000', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (8, timestamp '2002-12-17 00:00:16.400000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (9, timestamp '2002-12-18 00:00:18.450000', timestamp '2002-12-19 00:00:27.112500', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestamps values (10, timestamp '2002-12-19 00:00:20.500000', null, timestamp '2009-12-14 00:00:00')
/
create table &main_user..TestTimestampLTZs (
    IntCol number(9) not null,
    TimestampLTZCol timestamp with local time zone not null,
    NullableCol timestamp with local time zone,
    TimestampLTZPrecisionCol timestamp(5) with local time zone
)
/
create table &main_user..TestTimestampTZs (
    IntCol number(9) not null,
    TimestampTZCol timestamp with time zone not null,
    NullableCol timestamp with time zone,
    TimestampTZPrecisionCol timestamp(7) with time zone
)
/
insert into &main_user..TestTimestampLTZs values (1, timestamp '2022-06-02 22:30:02.500000', timestamp '2022-06-04 00:00:03.125000', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (2, timestamp '2022-06-04 02:30:04.100000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (3, timestamp '2022-06-04 20:30:06.150000', timestamp '2022-06-06 00:00:09.375000', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (4, timestamp '2022-06-06 04:00:08.200000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (5, timestamp '2022-06-06 18:30:10.250000', timestamp '2022-06-08 00:00:15.625000', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (6, timestamp '2022-06-08 06:30:12.300000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (7, timestamp '2022-06-08 16:30:14.350000', timestamp '2022-06-10 00:00:21.875000', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (8, timestamp '2022-06-10 08:00:16.400000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (9, timestamp '2022-06-10 14:30:18.450000', timestamp '2022-06-12 00:00:27.112500', timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampLTZs values (10, timestamp '2022-06-12 10:30:20.500000', null, timestamp '2009-12-14 00:00:00')
/
insert into &main_user..TestTimestampTZs values (1, timestamp '2022-06-04 00:00:02.500000 +00:00', timestamp '2022-06-05 00:00:03.125000 +00:00', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (2, timestamp '2022-06-05 00:00:04.100000 +00:00', null, timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (3, timestamp '2022-06-06 00:00:06.150000 +00:00', timestamp '2022-06-07 00:00:09.375000 +00:00', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (4, timestamp '2022-06-07 00:00:08.200000 +00:00', null, timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (5, timestamp '2022-06-08 00:00:10.250000 +00:00', timestamp '2022-06-09 00:00:15.625000 +00:00', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (6, timestamp '2022-06-09 00:00:12.300000 +00:00', null, timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (7, timestamp '2022-06-10 00:00:14.350000 +00:00', timestamp '2022-06-11 00:00:21.875000 +00:00', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (8, timestamp '2022-06-11 00:00:16.400000 +00:00', null, timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (9, timestamp '2022-06-12 00:00:18.450000 +00:00', timestamp '2022-06-13 00:00:27.112500 +00:00', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (10, timestamp '2022-06-13 00:00:20.500000 +00:00', null, timestamp '2009-12-14 00:00:00 +00:00')
/
commit
/

-- ---------------------------------------------------------------------------
-- Intervals (issues 12 and 16). TestIntervals is re-created with the two
-- precision columns test_1800 describes (day(7), day(8) to second(9)) and its
-- module_data rows; TestIntervalYMs holds test_7100's module_data rows. The
-- cx_Oracle schema fills TestIntervals the same way for its three columns.
-- ---------------------------------------------------------------------------
drop table &main_user..TestIntervals
/
create table &main_user..TestIntervals (
    IntCol number(9) not null,
    IntervalCol interval day to second not null,
    NullableCol interval day to second,
    IntervalPrecisionCol interval day(7) to second,
    IntervalPrecisionScaleCol interval day(8) to second(9)
)
/
insert into &main_user..TestIntervals values (1, to_dsinterval('1 1:2:3'), to_dsinterval('6 3:7:8'), to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (2, to_dsinterval('2 2:4:6'), null, to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (3, to_dsinterval('3 3:6:9'), to_dsinterval('8 5:11:14'), to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (4, to_dsinterval('4 4:8:12'), null, to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (5, to_dsinterval('5 5:10:15'), to_dsinterval('10 7:15:20'), to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (6, to_dsinterval('6 6:12:18'), null, to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (7, to_dsinterval('7 7:14:21'), to_dsinterval('12 9:19:26'), to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (8, to_dsinterval('8 8:16:24'), null, to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (9, to_dsinterval('9 9:18:27'), to_dsinterval('14 11:23:32'), to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
insert into &main_user..TestIntervals values (10, to_dsinterval('10 10:20:30'), null, to_dsinterval('8 05:15:00'), to_dsinterval('10 12:15:15'))
/
create table &main_user..TestIntervalYMs (
    IntCol number(9) not null,
    IntervalCol interval year to month not null,
    NullableCol interval year to month,
    IntervalPrecisionCol interval year(3) to month
)
/
insert into &main_user..TestIntervalYMs values (1, to_yminterval('-4-1'), to_yminterval('6-3'), to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (2, to_yminterval('-3-2'), null, to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (3, to_yminterval('-2-3'), to_yminterval('8-5'), to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (4, to_yminterval('-1-4'), null, to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (5, to_yminterval('0-5'), to_yminterval('10-7'), to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (6, to_yminterval('1-6'), null, to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (7, to_yminterval('2-7'), to_yminterval('12-9'), to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (8, to_yminterval('3-8'), null, to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (9, to_yminterval('4-9'), to_yminterval('14-11'), to_yminterval('3-8'))
/
insert into &main_user..TestIntervalYMs values (10, to_yminterval('5-10'), null, to_yminterval('3-8'))
/
commit
/
