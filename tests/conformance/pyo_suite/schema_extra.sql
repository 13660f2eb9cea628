-- Tables the python-oracledb 4.x suite reads that the cx_Oracle 8.3.0 test schema
-- (loaded before this file by load_schema.py) does not create. Written for oradb from
-- what the suite's own tests describe and expect (column names, types, precisions and
-- the module_data fixtures of test_4800/test_4900). TestTempTable is re-created with the
-- columns the 4.x suite writes (StringCol1, StringCol2; cx_Oracle's had one StringCol), and
-- TestTimestamps with the TimestampPrecisionCol timestamp(4) of test_2600's module_data.
-- `&main_user.` is substituted as SQL*Plus does. Every statement ends at a line holding only "/".
-- The edition test_1154/1155 switch to (PYO_TEST_EDITION_NAME's default), as a DBA creates it.
create edition pythonedition
/
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
-- Its values are at +05:30: test_4900 binds 2022-06-07 18:30:10.25 UTC for the row whose
-- wall-clock time is 2022-06-08 00:00:10.25.
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
insert into &main_user..TestTimestampTZs values (1, timestamp '2022-06-04 00:00:02.500000 +05:30', timestamp '2022-06-05 00:00:03.125000 +05:30', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (2, timestamp '2022-06-05 00:00:04.100000 +05:30', null, timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (3, timestamp '2022-06-06 00:00:06.150000 +05:30', timestamp '2022-06-07 00:00:09.375000 +05:30', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (4, timestamp '2022-06-07 00:00:08.200000 +05:30', null, timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (5, timestamp '2022-06-08 00:00:10.250000 +05:30', timestamp '2022-06-09 00:00:15.625000 +05:30', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (6, timestamp '2022-06-09 00:00:12.300000 +05:30', null, timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (7, timestamp '2022-06-10 00:00:14.350000 +05:30', timestamp '2022-06-11 00:00:21.875000 +05:30', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (8, timestamp '2022-06-11 00:00:16.400000 +05:30', null, timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (9, timestamp '2022-06-12 00:00:18.450000 +05:30', timestamp '2022-06-13 00:00:27.112500 +05:30', timestamp '2009-12-14 00:00:00 +00:00')
/
insert into &main_user..TestTimestampTZs values (10, timestamp '2022-06-13 00:00:20.500000 +05:30', null, timestamp '2009-12-14 00:00:00 +00:00')
/
-- TestDataFrame: the table of the 4.x data frame suites (test_8000/8100 fetch, 8900/9000
-- ingestion, 9600/9700 direct path load). Columns as those tests name and type them: the
-- fetched Arrow types fix the precisions (decimal128(9) Id, (9,2) Salary, (3) CreditScore,
-- (15,4) DecimalData), LongIntegerData holds 2**64 - 1 (20 digits), and LongData/LongRawData
-- are the LOBs test_8054/8055 fetch ("clob"/"blob"), 72,000 characters long in test_8052.
create table &main_user..TestDataFrame (
    Id number(9),
    FirstName varchar2(100),
    LastName varchar2(100),
    City varchar2(100),
    Country varchar2(100),
    DateOfBirth date,
    Salary number(9,2),
    CreditScore number(3),
    LastUpdated timestamp,
    DecimalData number(15,4),
    IntegerData number(9),
    LongIntegerData number(20),
    FloatData binary_float,
    DoubleData binary_double,
    RawData raw(100),
    LongData clob,
    LongRawData blob
)
/
-- TestAllTypes: one column of each scalar type, named as test_8000's 8035/8036 and
-- test_7600 use them; the ANSI names (integer, smallint, real, decimal(20,6), double
-- precision, float) are kept so the columns describe as those tests expect. Sizes
-- and the two object columns as test_2337 reads them through TESTALLTYPES%ROWTYPE.
create table &main_user..TestAllTypes (
    NumberValue number,
    StringValue varchar2(60),
    FixedCharValue char(10),
    NStringValue nvarchar2(60),
    NFixedCharValue nchar(10),
    RawValue raw(16),
    IntValue integer,
    SmallIntValue smallint,
    RealValue real,
    DecimalValue decimal(20,6),
    DoublePrecisionValue double precision,
    FloatValue float,
    BinaryFloatValue binary_float,
    BinaryDoubleValue binary_double,
    DateValue date,
    TimestampValue timestamp,
    TimestampTZValue timestamp with time zone,
    TimestampLTZValue timestamp with local time zone,
    ClobValue clob,
    NClobValue nclob,
    BlobValue blob,
    SubObjectValue &main_user..udt_SubObject,
    SubObjectArray &main_user..udt_ObjectArray
)
/
-- TestBooleans: native boolean columns (23ai), as test_3100/8000/8900 insert and read them.
create table &main_user..TestBooleans (
    IntCol number(9) not null,
    BooleanCol1 boolean not null,
    BooleanCol2 boolean,
    BooleanCol3 boolean
)
/
-- pkg_TestBooleans again, with the routines the 4.x test_3100 calls that cx_Oracle 8.3.0's
-- package lacks (EchoValue, EchoValueOut, TestOutValueNull) beside the ones it had.
create or replace package &main_user..pkg_TestBooleans as
    type udt_BooleanList is table of boolean index by binary_integer;
    function GetStringRep (a_Value boolean) return varchar2;
    function IsLessThan10 (a_Value number) return boolean;
    function TestInArrays (a_Value udt_BooleanList) return number;
    procedure TestOutArrays (a_NumElements number, a_Value out nocopy udt_BooleanList);
    function EchoValue (a_Value boolean) return boolean;
    procedure EchoValueOut (a_Value boolean, a_Result out boolean);
    function TestOutValueNull return boolean;
end;
/
create or replace package body &main_user..pkg_TestBooleans as
    function GetStringRep (a_Value boolean) return varchar2 is
    begin
        if a_Value is null then
            return 'NULL';
        end if;
        if a_Value then
            return 'TRUE';
        else
            return 'FALSE';
        end if;
    end;

    function IsLessThan10 (a_Value number) return boolean is
    begin
        return a_Value < 10;
    end;

    function TestInArrays (a_Value udt_BooleanList) return number is
        t_Count pls_integer := 0;
    begin
        for i in 1..a_Value.count loop
            if a_Value(i) then
                t_Count := t_Count + 1;
            end if;
        end loop;
        return t_Count;
    end;

    procedure TestOutArrays (a_NumElements number, a_Value out nocopy udt_BooleanList) is
    begin
        for i in 1..a_NumElements loop
            a_Value(i) := mod(i, 2) = 1;
        end loop;
    end;

    function EchoValue (a_Value boolean) return boolean is
    begin
        return a_Value;
    end;

    procedure EchoValueOut (a_Value boolean, a_Result out boolean) is
    begin
        a_Result := a_Value;
    end;

    function TestOutValueNull return boolean is
    begin
        return null;
    end;
end;
/
-- proc_Test2 and func_Test2: test_4100's callproc/callfunc with a boolean parameter
-- (proc_Test2("hi", 5) gives 10 and true; func_Test2 adds the amount to the length when
-- true ("hi", 5 gives 7) and takes it away when false ("hi", 3 gives -1), as 4120/4122 expect).
create or replace procedure &main_user..proc_Test2 (
    a_InValue varchar2,
    a_InOutValue in out number,
    a_OutValue out boolean
) as
begin
    a_InOutValue := a_InOutValue * length(a_InValue);
    a_OutValue := a_InOutValue > 0;
end;
/
create or replace function &main_user..func_Test2 (
    a_String varchar2,
    a_ExtraAmount number,
    a_Boolean boolean
) return number as
begin
    if a_Boolean then
        return length(a_String) + a_ExtraAmount;
    end if;
    return length(a_String) - a_ExtraAmount;
end;
/
-- pkg_TestRefCursors again, with what the 4.x test_1300/3900/5800 call beside
-- cx_Oracle 8.3.0's two routines: TestReturnCursor (IntCol, StringCol of TestStrings up
-- to a bound), TestLobCursor (a CLOB row of its argument) and TestCloseCursor.
create or replace package &main_user..pkg_TestRefCursors as
    procedure TestOutCursor (a_MaxIntValue number, a_Cursor out sys_refcursor);
    function TestInCursor (a_Cursor sys_refcursor) return varchar2;
    function TestReturnCursor (a_MaxIntValue number) return sys_refcursor;
    procedure TestLobCursor (a_Value varchar2, a_Cursor out sys_refcursor);
    procedure TestCloseCursor (a_Cursor sys_refcursor);
end;
/
create or replace package body &main_user..pkg_TestRefCursors as
    procedure TestOutCursor (a_MaxIntValue number, a_Cursor out sys_refcursor) is
    begin
        open a_Cursor for
            select IntCol, StringCol from TestStrings
            where IntCol <= a_MaxIntValue
            order by IntCol;
    end;

    function TestInCursor (a_Cursor sys_refcursor) return varchar2 is
        t_Value varchar2(100);
    begin
        fetch a_Cursor into t_Value;
        return t_Value || ' (Modified)';
    end;

    function TestReturnCursor (a_MaxIntValue number) return sys_refcursor is
        t_Cursor sys_refcursor;
    begin
        open t_Cursor for
            select IntCol, StringCol from TestStrings
            where IntCol <= a_MaxIntValue
            order by IntCol;
        return t_Cursor;
    end;

    procedure TestLobCursor (a_Value varchar2, a_Cursor out sys_refcursor) is
    begin
        open a_Cursor for
            select to_clob(a_Value) from dual;
    end;

    procedure TestCloseCursor (a_Cursor sys_refcursor) is
    begin
        close a_Cursor;
    end;
end;
/
-- pkg_TestLOBs: what the 4.x test_1900 (TestInOut), test_4100/6200 (GetSize of a string
-- or bytes over 32767) and test_7600 (GetLOB) call; cx_Oracle 8.3.0 has no such package.
create or replace package &main_user..pkg_TestLOBs as
    procedure TestInOut (a_CLOB in out clob, a_SearchValue varchar2, a_ReplaceValue varchar2);
    procedure GetSize (a_Data clob, a_Size out number);
    function GetLOB (a_Num number, a_Format varchar2) return clob;
end;
/
create or replace package body &main_user..pkg_TestLOBs as
    procedure TestInOut (a_CLOB in out clob, a_SearchValue varchar2, a_ReplaceValue varchar2) is
    begin
        if a_SearchValue is not null then
            a_CLOB := replace(a_CLOB, a_SearchValue, a_ReplaceValue);
        end if;
    end;

    procedure GetSize (a_Data clob, a_Size out number) is
    begin
        a_Size := dbms_lob.getlength(a_Data);
    end;

    function GetLOB (a_Num number, a_Format varchar2) return clob is
    begin
        return to_clob(replace(a_Format, '{}', to_char(a_Num)));
    end;
end;
/
-- TestCLOBs, TestNCLOBs and TestBLOBs again, with the columns the 4.x suite adds after
-- cx_Oracle's two: ExtraNumCol1, Extra<type>Col1, ExtraNumCol2, Extra<type>Col2, in that
-- order (test_1900's `select *` expects them so; test_1600/4300 update ExtraNumCol1).
drop table &main_user..TestCLOBs
/
create table &main_user..TestCLOBs (
    IntCol number(9) not null,
    CLOBCol clob not null,
    ExtraNumCol1 number(9),
    ExtraCLOBCol1 clob,
    ExtraNumCol2 number(9),
    ExtraCLOBCol2 clob
)
/
drop table &main_user..TestNCLOBs
/
create table &main_user..TestNCLOBs (
    IntCol number(9) not null,
    NCLOBCol nclob not null,
    ExtraNumCol1 number(9),
    ExtraNCLOBCol1 nclob,
    ExtraNumCol2 number(9),
    ExtraNCLOBCol2 nclob
)
/
drop table &main_user..TestBLOBs
/
create table &main_user..TestBLOBs (
    IntCol number(9) not null,
    BLOBCol blob not null,
    ExtraNumCol1 number(9),
    ExtraBLOBCol1 blob,
    ExtraNumCol2 number(9),
    ExtraBLOBCol2 blob
)
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
-- Collection types test_2300/test_5600 name beside cx_Oracle 8.3.0's (2326 appends to an
-- unconstrained table; 2343-2347 fetch varrays and nested tables of numbers, nested one
-- in another, from the functions of pkg_NestedTable and from NestedCollectionTests).
create or replace type &main_user..udt_UnconstrainedTable as table of number
/
create or replace type &main_user..udt_VarrayOfNumber as varray(10) of number
/
create or replace type &main_user..udt_TableOfNumber as table of number
/
create or replace type &main_user..udt_TableOfVarrayOfNumber
    as table of &main_user..udt_VarrayOfNumber
/
create or replace type &main_user..udt_TableOfTableOfNumber
    as table of &main_user..udt_TableOfNumber
/
create or replace type &main_user..udt_VarrayOfTableOfNumber
    as varray(10) of &main_user..udt_TableOfNumber
/
create table &main_user..NestedCollectionTests (
    Id number(9) not null,
    TableCol &main_user..udt_TableOfTableOfNumber,
    VarrayCol &main_user..udt_VarrayOfTableOfNumber
)
/
create or replace package &main_user..pkg_NestedTable as
    function GetVarrayOfNumber return udt_VarrayOfNumber;
    function GetTableOfNumber return udt_TableOfNumber;
    function GetTableOfVarrayOfNumber return udt_TableOfVarrayOfNumber;
end;
/
create or replace package body &main_user..pkg_NestedTable as
    function GetVarrayOfNumber return udt_VarrayOfNumber is
    begin
        return udt_VarrayOfNumber(10, 20, 30);
    end;
    function GetTableOfNumber return udt_TableOfNumber is
        t_Result udt_TableOfNumber := udt_TableOfNumber();
    begin
        for i in 1..4 loop
            t_Result.extend;
            t_Result(i) := 5 + i * 10;
        end loop;
        return t_Result;
    end;
    function GetTableOfVarrayOfNumber return udt_TableOfVarrayOfNumber is
    begin
        return udt_TableOfVarrayOfNumber(udt_VarrayOfNumber(10, 20),
                udt_VarrayOfNumber(30, 40));
    end;
end;
/

-- VECTOR tables (23.4+; binary 23.5, sparse 23.7): the columns the vector
-- files' fetch-info tests list, in their order.
create table &main_user..TestVectors (
    IntCol                              number(9) not null,
    VectorFlexAllCol                    vector,
    VectorFlexTypeCol                   vector(2),
    VectorFlex8Col                      vector(*, int8),
    VectorFlex32Col                     vector(*, float32),
    VectorFlex64Col                     vector(*, float64),
    Vector8Col                          vector(16, int8),
    Vector32Col                         vector(16, float32),
    Vector64Col                         vector(16, float64)
)
/

create table &main_user..TestBinaryVectors (
    IntCol                              number(9) not null,
    VectorBinaryCol                     vector(64, binary)
)
/

create table &main_user..TestSparseVectors (
    IntCol                              number(9) not null,
    SparseVectorFlexAllCol              vector(*, *, sparse),
    SparseVectorFlexTypeCol             vector(2, *, sparse),
    SparseVectorFlex8Col                vector(*, int8, sparse),
    SparseVectorFlex32Col               vector(*, float32, sparse),
    SparseVectorFlex64Col               vector(*, float64, sparse),
    SparseVector8Col                    vector(16, int8, sparse),
    SparseVector32Col                   vector(16, float32, sparse),
    SparseVector64Col                   vector(16, float64, sparse)
)
/

-- create_schema_21/23 tables the cx_Oracle 8.3 scripts lack. The test server
-- has no JSON storage options: TestCompressedJson's "store as (compress
-- high)" is left out (the image sent is then not compressed).
create table &main_user..TestCompressedJson (
    IntCol number(9) not null,
    JsonCol json not null
)
/
-- TestOsonCols: OSON in a BLOB, as test_6900 describes it (its OsonCol reports is_oson).
create table &main_user..TestOsonCols (
    IntCol number(9) not null,
    OsonCol blob not null,
    constraint TestOsonCols_ck_1 check (OsonCol is json format oson)
)
/
-- TestJsonCols: JSON kept in VARCHAR2, CLOB and BLOB columns constrained IS JSON (test_1941,
-- test_3931, test_4360 and their async twins read them; 4360 expects the constrained columns
-- fetched as JSON values, row 2 holding the JSON null and two empty LOBs).
drop table &main_user..TestJsonCols
/
create table &main_user..TestJsonCols (
    IntCol number(9) not null,
    JsonVarchar varchar2(4000) not null,
    JsonClob clob not null,
    JsonBlob blob not null,
    constraint TestJsonCols_ck_1 check (JsonVarchar is json),
    constraint TestJsonCols_ck_2 check (JsonClob is json),
    constraint TestJsonCols_ck_3 check (JsonBlob is json)
)
/
insert into &main_user..TestJsonCols values (1, '[1, 2, 3]', '[4, 5, 6]', utl_raw.cast_to_raw('[7, 8, 9]'))
/
insert into &main_user..TestJsonCols values (2, 'null', empty_clob(), empty_blob())
/
-- The loader does not commit: DDL after an INSERT commits it, and this is the last one.
commit
/
