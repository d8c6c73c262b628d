<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- A translation for the tests (Esperanto, a locale no test machine runs in): two messages of
     the template, one from app/ and one from widgets/, as a translator would fill them in. -->
<TS version="2.1" language="eo">
<context>
    <name>ops::app::MainWindow</name>
    <message>
        <source>Ops Console</source>
        <translation>Operacia Konzolo</translation>
    </message>
</context>
<context>
    <name>ops::widgets::SandboxPanel</name>
    <message>
        <source>Acknowledge</source>
        <translation>Agnoski</translation>
    </message>
</context>
</TS>
