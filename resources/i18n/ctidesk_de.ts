<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CallListWindow</name>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="183"/>
        <source>Reached</source>
        <translation>Erreicht</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="184"/>
        <source>No answer</source>
        <translation>Keine Antwort</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="185"/>
        <source>Busy</source>
        <translation>Besetzt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="186"/>
        <source>Voicemail</source>
        <translation>Mailbox</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="187"/>
        <source>Wrong number</source>
        <translation>Falsche Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="188"/>
        <source>Call again</source>
        <translation>Erneut anrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="189"/>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="197"/>
        <source>To call</source>
        <translation>Anzurufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="198"/>
        <source>Dialled</source>
        <translation>Gewählt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="199"/>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="200"/>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="204"/>
        <source>Call lists</source>
        <translation>Anruflisten</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="205"/>
        <source>Lists</source>
        <translation>Listen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="206"/>
        <source>New list: a name, then paste numbers or import a CSV</source>
        <translation>Neue Liste: einen Namen, dann Nummern einfügen oder eine CSV-Datei importieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="207"/>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="220"/>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="208"/>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="209"/>
        <source>List name</source>
        <translation>Name der Liste</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="210"/>
        <source>One number per line, optionally with a name</source>
        <translation>Eine Nummer pro Zeile, optional mit Namen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="211"/>
        <source>Import pasted numbers</source>
        <translation>Eingefügte Nummern importieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="212"/>
        <source>Import CSV file…</source>
        <translation>CSV-Datei importieren…</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="213"/>
        <source>Delete list</source>
        <translation>Liste löschen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="214"/>
        <source>Call</source>
        <translation>Anrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="215"/>
        <source>Skip</source>
        <translation>Überspringen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="216"/>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="217"/>
        <source>Save and next</source>
        <translation>Speichern und weiter</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="218"/>
        <source>Queue skipped again</source>
        <translation>Übersprungene erneut einreihen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="220"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="220"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="220"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="243"/>
        <source>%1 (%2 of %3 done)</source>
        <translation>%1 (%2 von %3 erledigt)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="267"/>
        <source>Call list</source>
        <translation>Anrufliste</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="276"/>
        <source>Numbers imported: %1.</source>
        <translation>Importierte Nummern: %1.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="278"/>
        <source>Repeated numbers left out: %1.</source>
        <translation>Doppelte Nummern ausgelassen: %1.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="293"/>
        <source>Import call list</source>
        <translation>Anrufliste importieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="293"/>
        <source>CSV or text files (*.csv *.txt)</source>
        <translation>CSV- oder Textdateien (*.csv *.txt)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="301"/>
        <source>The file is too large to import (over 10 MB).</source>
        <translation>Die Datei ist zu groß zum Importieren (über 10 MB).</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="306"/>
        <source>The file cannot be read: %1</source>
        <translation>Die Datei kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="336"/>
        <source>Import a list to start.</source>
        <translation>Importieren Sie eine Liste, um zu beginnen.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="338"/>
        <source>%1 of %2 done, %3 skipped</source>
        <translation>%1 von %2 erledigt, %3 übersprungen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="346"/>
        <source>List finished</source>
        <translation>Liste abgearbeitet</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="370"/>
        <source>Last number: %1</source>
        <translation>Letzte Nummer: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="1"/>
        <source>Numbers to import</source>
        <translation>Zu importierende Nummern</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="1"/>
        <source>Call the current number</source>
        <translation>Die aktuelle Nummer anrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="1"/>
        <source>Outcome of the last call</source>
        <translation>Ergebnis des letzten Anrufs</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="1"/>
        <source>Numbers in this list</source>
        <translation>Nummern in dieser Liste</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="225"/>
        <source>Lines not imported</source>
        <translation>Nicht importierte Zeilen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="290"/>
        <source>Vanity numbers</source>
        <translation>Vanity-Nummern</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="292"/>
        <source>Line %1: %2 is %3</source>
        <translation>Zeile %1: %2 ist %3</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="300"/>
        <source>These lines have letters in place of digits, like a vanity number (the letters of the phone&apos;s keypad). Import them as the numbers shown?</source>
        <translation>Diese Zeilen enthalten Buchstaben statt Ziffern, wie eine Vanity-Nummer (die Buchstaben der Telefontastatur). Als die angezeigten Nummern importieren?</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="325"/>
        <source>No phone numbers found to import. Paste one number per line (a name may come before or after it) or choose a CSV file with a “number” column.</source>
        <translation>Keine Telefonnummern zum Importieren gefunden. Fügen Sie eine Nummer pro Zeile ein (ein Name darf davor oder danach stehen) oder wählen Sie eine CSV-Datei mit einer Spalte „Telefon“.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="342"/>
        <source>Lines not imported: %1. Each is listed below: correct it and import it again.</source>
        <translation>Nicht importierte Zeilen: %1. Sie stehen unten einzeln: Korrigieren Sie sie und importieren Sie sie erneut.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="354"/>
        <source>Line %1 has no phone number: %2</source>
        <translation>Zeile %1 enthält keine Telefonnummer: %2</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="356"/>
        <source>Line %1 is not a phone number that can be dialled: %2</source>
        <translation>Zeile %1 ist keine wählbare Telefonnummer: %2</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="358"/>
        <source>Line %1 has no number to call (anonymous): %2</source>
        <translation>Zeile %1 hat keine Nummer zum Anrufen (anonym): %2</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/call_list_window.py" line="360"/>
        <source>Line %1 was left out, as you chose, because its number has letters: %2</source>
        <translation>Zeile %1 wurde wie gewünscht ausgelassen, weil ihre Nummer Buchstaben enthält: %2</translation>
    </message>
</context>
<context>
    <name>CallerCard</name>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="48"/>
        <source>ringing</source>
        <translation>klingelt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="49"/>
        <source>dialling</source>
        <translation>wählt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="50"/>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="51"/>
        <source>on hold</source>
        <translation>gehalten</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="52"/>
        <source>ended</source>
        <translation>beendet</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="55"/>
        <source>ended, missed</source>
        <translation>beendet, verpasst</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="56"/>
        <source>ended, rejected</source>
        <translation>beendet, abgewiesen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="57"/>
        <source>ended, blocked by Zammad</source>
        <translation>beendet, von Zammad gesperrt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="57"/>
        <source>ended, cancelled</source>
        <translation>beendet, abgebrochen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="58"/>
        <source>ended, busy</source>
        <translation>beendet, besetzt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="59"/>
        <source>ended, forwarded</source>
        <translation>beendet, weitergeleitet</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="60"/>
        <source>ended, went to voicemail</source>
        <translation>beendet, auf die Mailbox gegangen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="61"/>
        <source>ended, failed</source>
        <translation>beendet, fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="82"/>
        <source>Call to %1</source>
        <translation>Anruf an %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="83"/>
        <source>Incoming call from %1</source>
        <translation>Eingehender Anruf von %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="220"/>
        <source>Call state</source>
        <translation>Anrufstatus</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="221"/>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="222"/>
        <source>Dismiss this card</source>
        <translation>Diese Karte schließen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="223"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="224"/>
        <source>Name from the phone</source>
        <translation>Name vom Telefon</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="225"/>
        <source>Zammad customer</source>
        <translation>Zammad-Kunde</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="226"/>
        <source>Tickets of this customer</source>
        <translation>Tickets dieses Kunden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="228"/>
        <source>Ticket</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="228"/>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="228"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="228"/>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="230"/>
        <source>&amp;Answer</source>
        <translation>&amp;Annehmen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="230"/>
        <source>Answer the call</source>
        <translation>Anruf annehmen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="231"/>
        <source>&amp;Reject</source>
        <translation>Ab&amp;weisen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="231"/>
        <source>Reject the call</source>
        <translation>Anruf abweisen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="232"/>
        <location filename="../../src/ctidesk/gui/popup.py" line="347"/>
        <source>&amp;Hold</source>
        <translation>&amp;Halten</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="232"/>
        <source>Hold or resume the call</source>
        <translation>Anruf halten oder fortsetzen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="233"/>
        <source>&amp;End</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="233"/>
        <source>End the call</source>
        <translation>Anruf beenden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="235"/>
        <source>Open &amp;customer</source>
        <translation>&amp;Kunde öffnen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="235"/>
        <source>Open the customer in Zammad</source>
        <translation>Kunden in Zammad öffnen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="238"/>
        <source>Open &amp;ticket</source>
        <translation>&amp;Ticket öffnen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="238"/>
        <source>Open the selected ticket</source>
        <translation>Ausgewähltes Ticket öffnen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="241"/>
        <source>Create tic&amp;ket</source>
        <translation>Ticket &amp;erstellen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="241"/>
        <source>Create a ticket for this call</source>
        <translation>Ticket zu diesem Anruf erstellen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="254"/>
        <source>Outgoing call</source>
        <translation>Ausgehender Anruf</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="256"/>
        <source>Incoming call</source>
        <translation>Eingehender Anruf</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="276"/>
        <source>Looking up in Zammad…</source>
        <translation>Suche in Zammad…</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="283"/>
        <source>Zammad lookup failed: %1</source>
        <translation>Suche in Zammad fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="285"/>
        <source>Not known in Zammad</source>
        <translation>In Zammad nicht bekannt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="291"/>
        <source>(maybe: number matched loosely)</source>
        <translation>(vielleicht: Nummer nur ungefähr gleich)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="295"/>
        <source>and %1 more customers with this number</source>
        <translation>und %1 weitere Kunden mit dieser Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="347"/>
        <source>Res&amp;ume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="1"/>
        <source>Closes this pop-up; the call goes on</source>
        <translation>Schließt dieses Pop-up; der Anruf läuft weiter</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="317"/>
        <source>&amp;Notes for the call journal:</source>
        <translation>&amp;Notizen für das Anrufjournal:</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="318"/>
        <source>Notes for the call journal</source>
        <translation>Notizen für das Anrufjournal</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="320"/>
        <source>What was agreed, what to do next</source>
        <translation>Was vereinbart wurde, was als Nächstes zu tun ist</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="322"/>
        <source>&amp;Done</source>
        <translation>Fert&amp;ig</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="322"/>
        <source>Done: save the notes and close the card</source>
        <translation>Fertig: Notizen speichern und die Karte schließen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="324"/>
        <source>When the card closes</source>
        <translation>Wann sich die Karte schließt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="371"/>
        <source>Stays until you press Done.</source>
        <translation>Bleibt offen, bis Sie auf Fertig drücken.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="374"/>
        <source>Closes in %1 s; typing keeps it open.</source>
        <translation>Schließt sich in %1 s; Tippen hält sie offen.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="1"/>
        <source>Ticket %1</source>
        <translation>Ticket %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="1"/>
        <source>New ticket…</source>
        <translation>Neues Ticket …</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="1"/>
        <source>None: no note in Zammad</source>
        <translation>Keines: keine Notiz in Zammad</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="1"/>
        <source>Call note to Zammad &amp;ticket:</source>
        <translation>Gesprächsnotiz an Zammad-&amp;Ticket:</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="1"/>
        <source>Zammad ticket for the call's note</source>
        <translation>Zammad-Ticket für die Gesprächsnotiz</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="1"/>
        <source>&amp;Private call: send nothing to Zammad</source>
        <translation>&amp;Privates Gespräch: nichts an Zammad senden</translation>
    </message>
</context>
<context>
    <name>ConnectionTests</name>
    <message>
        <source>The phone is switched off; tick “Use the desk phone” to test it.</source>
        <translation>Das Telefon ist ausgeschaltet; haken Sie „Tischtelefon verwenden“ an, um es zu testen.</translation>
    </message>
    <message>
        <source>Enter the phone&apos;s address first.</source>
        <translation>Geben Sie zuerst die Adresse des Telefons ein.</translation>
    </message>
    <message>
        <source>Enter the phone&apos;s passcode first (the Passcode field).</source>
        <translation>Geben Sie zuerst das Passwort des Telefons ein (Feld „Passwort“).</translation>
    </message>
    <message>
        <source>Zammad is switched off; tick “Use Zammad” to test it.</source>
        <translation>Zammad ist ausgeschaltet; haken Sie „Zammad verwenden“ an, um es zu testen.</translation>
    </message>
    <message>
        <source>Enter Zammad&apos;s address first (the URL field).</source>
        <translation>Geben Sie zuerst die Adresse von Zammad ein (Feld „URL“).</translation>
    </message>
    <message>
        <source>Enter an API token first (the API token field).</source>
        <translation>Geben Sie zuerst ein API-Token ein (Feld „API-Token“).</translation>
    </message>
    <message>
        <source>Enter the CTI endpoint URL first, or untick “Send calls to Zammad&apos;s caller log”.</source>
        <translation>Geben Sie zuerst die CTI-Endpunkt-URL ein oder nehmen Sie den Haken bei „Anrufe an die Anruferliste von Zammad senden“ weg.</translation>
    </message>
    <message>
        <source>Passcode</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>CTI endpoint URL</source>
        <translation>CTI-Endpunkt-URL</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>API-Token</translation>
    </message>
    <message>
        <source>CTI password</source>
        <translation>CTI-Passwort</translation>
    </message>
    <message>
        <source>enter it in the %1 field above and Save</source>
        <translation>geben Sie es oben im Feld „%1“ ein und speichern Sie</translation>
    </message>
    <message>
        <source>enter it in the %1 field above and press Next</source>
        <translation>geben Sie es oben im Feld „%1“ ein und drücken Sie „Weiter“</translation>
    </message>
    <message>
        <source>(the %1 field above)</source>
        <translation>(oben im Feld „%1“)</translation>
    </message>
    <message>
        <source>use “Sign in with NFON” on the NFON page</source>
        <translation>verwenden Sie „Bei NFON anmelden“ auf der Seite NFON</translation>
    </message>
    <message>
        <source>The address is not valid; check it for a typing mistake, e.g. a number above 255 in an IP address.</source>
        <translation>Die Adresse ist ungültig; prüfen Sie sie auf Tippfehler, z. B. eine Zahl über 255 in einer IP-Adresse.</translation>
    </message>
    <message>
        <source>No answer in time; check the address and that the system is switched on.</source>
        <translation>Keine Antwort in der erwarteten Zeit; prüfen Sie die Adresse und ob das Gerät eingeschaltet ist.</translation>
    </message>
    <message>
        <source>Cannot connect (%1); check the address, the port and the network.</source>
        <translation>Keine Verbindung möglich (%1); prüfen Sie Adresse, Port und Netzwerk.</translation>
    </message>
    <message>
        <source>The connection failed (%1); check the address and try again.</source>
        <translation>Die Verbindung ist fehlgeschlagen (%1); prüfen Sie die Adresse und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The test failed unexpectedly (%1); the log has the details.</source>
        <translation>Der Test ist unerwartet fehlgeschlagen (%1); Einzelheiten stehen im Protokoll.</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="238"/>
        <source>Event actions are off: %1. Fix them in Settings.</source>
        <translation>Ereignisaktionen sind aus: %1. Korrigieren Sie sie in den Einstellungen.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="300"/>
        <source>The team view needs NFON&apos;s CTI API: switch it on under Settings &gt; NFON.</source>
        <translation>Die Teamansicht braucht die CTI-API von NFON: Schalten Sie sie unter Einstellungen &gt; NFON ein.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="353"/>
        <source>ctidesk is already running; use the tray icon.</source>
        <translation>ctidesk läuft bereits; verwenden Sie das Symbol im Infobereich.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="424"/>
        <source>Settings saved.</source>
        <translation>Einstellungen gespeichert.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="428"/>
        <source>Settings saved. Connection changes take effect after a restart.</source>
        <translation>Einstellungen gespeichert. Geänderte Verbindungen gelten nach einem Neustart.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="434"/>
        <source>Settings saved. Reconnecting with the new connection settings.</source>
        <translation>Einstellungen gespeichert. Die Verbindungen werden mit den neuen Einstellungen neu aufgebaut.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="456"/>
        <source>Could not connect with the new settings: %1</source>
        <translation>Verbindung mit den neuen Einstellungen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="466"/>
        <source>reconnecting with the new settings</source>
        <translation>Verbindung wird mit den neuen Einstellungen neu aufgebaut</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="481"/>
        <source>No calls yet.</source>
        <translation>Noch keine Anrufe.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="500"/>
        <source>Diagnostics copied (passwords and tokens removed).</source>
        <translation>Diagnose kopiert (Passwörter und Tokens entfernt).</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="1"/>
        <source>No call is ringing.</source>
        <translation>Es klingelt kein Anruf.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/desktop.py" line="1"/>
        <source>No call to hang up.</source>
        <translation>Kein Anruf zum Auflegen.</translation>
    </message>
</context>
<context>
    <name>DesktopBridge</name>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="224"/>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="252"/>
        <source>Looking up the caller in Zammad</source>
        <translation>Anrufer in Zammad suchen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="270"/>
        <source>Answering</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="273"/>
        <source>Rejecting the call</source>
        <translation>Anruf abweisen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="276"/>
        <source>Holding the call</source>
        <translation>Anruf halten</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="279"/>
        <source>Resuming the call</source>
        <translation>Anruf fortsetzen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="282"/>
        <source>Ending the call</source>
        <translation>Anruf beenden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="294"/>
        <location filename="../../src/ctidesk/gui/bridge.py" line="388"/>
        <source>the call is no longer known</source>
        <translation>der Anruf ist nicht mehr bekannt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="298"/>
        <location filename="../../src/ctidesk/gui/bridge.py" line="325"/>
        <location filename="../../src/ctidesk/gui/bridge.py" line="340"/>
        <source>no phone is set up; add it in Settings</source>
        <translation>kein Telefon eingerichtet; fügen Sie es in den Einstellungen hinzu</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="325"/>
        <source>Dialling</source>
        <translation>Wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="328"/>
        <source>Dialling %1</source>
        <translation>%1 wird gewählt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="340"/>
        <location filename="../../src/ctidesk/gui/bridge.py" line="345"/>
        <source>Do not disturb</source>
        <translation>Nicht stören</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="365"/>
        <source>This caller is not a Zammad customer yet; create a ticket instead</source>
        <translation>Dieser Anrufer ist noch kein Zammad-Kunde; erstellen Sie stattdessen ein Ticket</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="379"/>
        <source>Could not open the browser: %1</source>
        <translation>Der Browser ließ sich nicht öffnen: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="383"/>
        <source>Creating a ticket needs Zammad; set it up in Settings</source>
        <translation>Zum Erstellen eines Tickets wird Zammad benötigt; richten Sie es in den Einstellungen ein</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="388"/>
        <location filename="../../src/ctidesk/gui/bridge.py" line="392"/>
        <source>Creating a ticket</source>
        <translation>Ticket erstellen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="402"/>
        <source>Ticket %1 created</source>
        <translation>Ticket %1 erstellt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="409"/>
        <source>NFON is not set up; add the account in Settings</source>
        <translation>NFON ist nicht eingerichtet; fügen Sie das Konto in den Einstellungen hinzu</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="411"/>
        <source>Signing in to NFON</source>
        <translation>Bei NFON anmelden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="415"/>
        <source>Signing out of NFON</source>
        <translation>Bei NFON abmelden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="290"/>
        <source>The caller's number was withheld; it cannot be called back</source>
        <translation>Der Anrufer hat seine Nummer unterdrückt; er kann nicht zurückgerufen werden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="297"/>
        <source>Notes cannot be saved: the call journal is not open</source>
        <translation>Die Notizen können nicht gespeichert werden: das Anrufjournal ist nicht geöffnet</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/bridge.py" line="304"/>
        <source>Saving the notes failed: %1. Copy them into a ticket instead.</source>
        <translation>Speichern der Notizen fehlgeschlagen: %1. Kopieren Sie sie stattdessen in ein Ticket.</translation>
    </message>
</context>
<context>
    <name>DialConfirmation</name>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="175"/>
        <source>Dial %1?</source>
        <translation>%1 wählen?</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="181"/>
        <source>You asked to dial “%1”.
It will be dialled as %2, but %3.
Dial it anyway?</source>
        <translation>Sie möchten „%1“ wählen.
Gewählt wird %2, aber %3.
Trotzdem wählen?</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="187"/>
        <source>Why this number is asked about</source>
        <translation>Warum zu dieser Nummer nachgefragt wird</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="191"/>
        <source>&amp;Dial</source>
        <translation>&amp;Wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="193"/>
        <source>Dial anyway</source>
        <translation>Trotzdem wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="195"/>
        <source>Do not dial</source>
        <translation>Nicht wählen</translation>
    </message>
</context>
<context>
    <name>DialMessages</name>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="16"/>
        <source>it contains letters, dialled as keypad digits</source>
        <translation>sie enthält Buchstaben, die als Tastenziffern gewählt werden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="17"/>
        <source>it is not a valid phone number</source>
        <translation>sie ist keine gültige Telefonnummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="18"/>
        <source>it is an emergency number</source>
        <translation>sie ist eine Notrufnummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="19"/>
        <source>it is too short</source>
        <translation>sie ist zu kurz</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="20"/>
        <source>it is too short for an outside number</source>
        <translation>sie ist für eine externe Nummer zu kurz</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="21"/>
        <source>nothing to dial: select or type a phone number first</source>
        <translation>nichts zu wählen: markieren oder tippen Sie zuerst eine Telefonnummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="22"/>
        <source>the link&apos;s number is not valid text; copy the number instead</source>
        <translation>die Nummer im Link ist kein gültiger Text; kopieren Sie stattdessen die Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="25"/>
        <source>the link holds no number to dial</source>
        <translation>der Link enthält keine Nummer zum Wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="34"/>
        <source>the text holds %1 numbers; this is the first</source>
        <translation>der Text enthält %1 Nummern; dies ist die erste</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="38"/>
        <source>%1 holds no digits to dial</source>
        <translation>%1 enthält keine Ziffern zum Wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="44"/>
        <source>%1: links cannot be dialled; use a tel: or callto: link or a plain number</source>
        <translation>%1:-Links können nicht gewählt werden; verwenden Sie einen tel:- oder callto:-Link oder eine einfache Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="53"/>
        <source>%1 is not a phone number (only digits, letters, +, * and # are allowed)</source>
        <translation>%1 ist keine Telefonnummer (erlaubt sind nur Ziffern, Buchstaben, +, * und #)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dial_messages.py" line="60"/>
        <source>the number in the link is longer than %1 digits</source>
        <translation>die Nummer im Link ist länger als %1 Ziffern</translation>
    </message>
</context>
<context>
    <name>DialerWindow</name>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="106"/>
        <location filename="../../src/ctidesk/gui/dialer.py" line="107"/>
        <source>Dial a number</source>
        <translation>Nummer wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="108"/>
        <source>&amp;Number:</source>
        <translation>&amp;Nummer:</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="109"/>
        <source>Number label</source>
        <translation>Beschriftung der Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="110"/>
        <source>Number to dial</source>
        <translation>Zu wählende Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="111"/>
        <source>Use the number from the clipboard</source>
        <translation>Nummer aus der Zwischenablage verwenden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="112"/>
        <location filename="../../src/ctidesk/gui/dialer.py" line="147"/>
        <source>Clipboard: %1</source>
        <translation>Zwischenablage: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="113"/>
        <source>Dialling problem</source>
        <translation>Problem beim Wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="114"/>
        <source>&amp;Dial</source>
        <translation>&amp;Wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="115"/>
        <source>Dial</source>
        <translation>Wählen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/dialer.py" line="116"/>
        <location filename="../../src/ctidesk/gui/dialer.py" line="117"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>FallbackWindow</name>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="30"/>
        <source>Your desktop has no system tray (notification area), so ctidesk shows this small window instead. On GNOME, install the AppIndicator extension to get the tray icon.</source>
        <translation>Ihr Desktop hat keinen Infobereich (System-Tray), deshalb zeigt ctidesk stattdessen dieses kleine Fenster. Unter GNOME installieren Sie die Erweiterung AppIndicator, um das Symbol im Infobereich zu bekommen.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="76"/>
        <source>ctidesk status window</source>
        <translation>ctidesk-Statusfenster</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="78"/>
        <source>Why this window is shown</source>
        <translation>Warum dieses Fenster angezeigt wird</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="79"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="80"/>
        <source>&amp;Menu</source>
        <translation>&amp;Menü</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="81"/>
        <source>ctidesk menu</source>
        <translation>ctidesk-Menü</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <location filename="../../src/ctidesk/gui/formatting.py" line="26"/>
        <source>Anonymous</source>
        <translation>Anonym</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/formatting.py" line="29"/>
        <source>new</source>
        <translation>neu</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/formatting.py" line="30"/>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/formatting.py" line="31"/>
        <source>pending reminder</source>
        <translation>warten auf Erinnerung</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/formatting.py" line="32"/>
        <source>pending close</source>
        <translation>warten auf schließen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/formatting.py" line="33"/>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/formatting.py" line="34"/>
        <source>merged</source>
        <translation>zusammengefügt</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>ctidesk setup</source>
        <translation>ctidesk einrichten</translation>
    </message>
    <message>
        <source>&amp;Skip this step</source>
        <translation>Schritt &amp;überspringen</translation>
    </message>
    <message>
        <source>Cl&amp;ose</source>
        <translation>Schl&amp;ießen</translation>
    </message>
    <message>
        <source>Welcome to ctidesk</source>
        <translation>Willkommen bei ctidesk</translation>
    </message>
    <message>
        <source>A few steps connect ctidesk to your desk phone, Zammad and NFON.</source>
        <translation>In wenigen Schritten verbinden Sie ctidesk mit Ihrem Tischtelefon, Zammad und NFON.</translation>
    </message>
    <message>
        <source>Each step can be skipped and done later under Settings in the tray menu. What you enter is saved when you go on to the next step.</source>
        <translation>Jeden Schritt können Sie überspringen und später unter Einstellungen im Menü des Infobereichs nachholen. Was Sie eingeben, wird gespeichert, sobald Sie zum nächsten Schritt gehen.</translation>
    </message>
    <message>
        <source>Where passwords and tokens come from</source>
        <translation>Woher Passwörter und Tokens kommen</translation>
    </message>
    <message>
        <source>This PC has no working keyring, so ctidesk cannot keep passwords and tokens. The other settings still save. Give ctidesk its passwords and tokens as environment variables instead, set before it starts:</source>
        <translation>Dieser PC hat keinen funktionierenden Schlüsselbund, daher kann ctidesk keine Passwörter und Tokens aufbewahren. Die übrigen Einstellungen werden trotzdem gespeichert. Geben Sie ctidesk Passwörter und Tokens stattdessen als Umgebungsvariablen, gesetzt bevor es startet:</translation>
    </message>
    <message>
        <source>phone password</source>
        <translation>Passwort des Telefons</translation>
    </message>
    <message>
        <source>Action URL token</source>
        <translation>Token der Action-URLs</translation>
    </message>
    <message>
        <source>Zammad CTI endpoint URL</source>
        <translation>CTI-Endpunkt-URL von Zammad</translation>
    </message>
    <message>
        <source>Zammad API token</source>
        <translation>API-Token von Zammad</translation>
    </message>
    <message>
        <source>NFON refresh token</source>
        <translation>Refresh-Token von NFON</translation>
    </message>
    <message>
        <source>NFON CTI API password</source>
        <translation>Passwort der NFON-CTI-API</translation>
    </message>
    <message>
        <source>Your desk phone</source>
        <translation>Ihr Tischtelefon</translation>
    </message>
    <message>
        <source>The Grandstream phone on your desk, as its web page is reached.</source>
        <translation>Das Grandstream-Telefon auf Ihrem Schreibtisch, so wie seine Webseite erreichbar ist.</translation>
    </message>
    <message>
        <source>e.g. 127.0.0.1 or phone.example:8080</source>
        <translation>z. B. 127.0.0.1 oder phone.example:8080</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>&amp;Adresse</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;Benutzer</translation>
    </message>
    <message>
        <source>Pass&amp;code</source>
        <translation>&amp;Passwort</translation>
    </message>
    <message>
        <source>Phone step result</source>
        <translation>Ergebnis des Schritts Telefon</translation>
    </message>
    <message>
        <source>Action URLs</source>
        <translation>Action-URLs</translation>
    </message>
    <message>
        <source>The phone tells ctidesk about every call at once through these addresses.</source>
        <translation>Über diese Adressen meldet das Telefon ctidesk jeden Anruf sofort.</translation>
    </message>
    <message>
        <source>Paste each address into the field of the same name on the phone&apos;s web page (Settings &gt; Outbound Notification &gt; Action URL). They contain a secret token: treat them like a password.</source>
        <translation>Fügen Sie jede Adresse in das gleichnamige Feld auf der Webseite des Telefons ein (Settings &gt; Outbound Notification &gt; Action URL). Sie enthalten ein geheimes Token: Behandeln Sie sie wie ein Passwort.</translation>
    </message>
    <message>
        <source>Action URLs to paste into the phone</source>
        <translation>Action-URLs zum Einfügen ins Telefon</translation>
    </message>
    <message>
        <source>C&amp;heck that the phone sends them</source>
        <translation>&amp;Prüfen, ob das Telefon sie sendet</translation>
    </message>
    <message>
        <source>Check that the phone sends the Action URLs</source>
        <translation>Prüfen, ob das Telefon die Action-URLs sendet</translation>
    </message>
    <message>
        <source>Stop &amp;waiting</source>
        <translation>Warten &amp;beenden</translation>
    </message>
    <message>
        <source>Stop waiting for the phone</source>
        <translation>Nicht länger auf das Telefon warten</translation>
    </message>
    <message>
        <source>Result of the Action URL check</source>
        <translation>Ergebnis der Prüfung der Action-URLs</translation>
    </message>
    <message>
        <source>Zammad</source>
        <translation>Zammad</translation>
    </message>
    <message>
        <source>Customers and tickets in the caller pop-up, calls in Zammad&apos;s caller log.</source>
        <translation>Kunden und Tickets im Anrufer-Pop-up, Anrufe in der Anruferliste von Zammad.</translation>
    </message>
    <message>
        <source>&amp;URL</source>
        <translation>&amp;URL</translation>
    </message>
    <message>
        <source>Profile &gt; Token Access (ticket.agent, cti.agent)</source>
        <translation>Profil &gt; Token-Zugriff (ticket.agent, cti.agent)</translation>
    </message>
    <message>
        <source>API &amp;token</source>
        <translation>API-&amp;Token</translation>
    </message>
    <message>
        <source>Admin &gt; Integrations &gt; CTI (generic) &gt; Endpoint; it contains a token</source>
        <translation>Admin &gt; Integrationen &gt; CTI (generisch) &gt; Endpunkt; er enthält ein Token</translation>
    </message>
    <message>
        <source>&amp;CTI endpoint URL</source>
        <translation>&amp;CTI-Endpunkt-URL</translation>
    </message>
    <message>
        <source>Zammad step result</source>
        <translation>Ergebnis des Schritts Zammad</translation>
    </message>
    <message>
        <source>NFON</source>
        <translation>NFON</translation>
    </message>
    <message>
        <source>Your NFON call history in the call journal, with Login with NFON.</source>
        <translation>Ihre NFON-Anrufliste im Anrufjournal, mit der Anmeldung bei NFON.</translation>
    </message>
    <message>
        <source>&amp;K-Account</source>
        <translation>&amp;K-Account</translation>
    </message>
    <message>
        <source>&amp;Extension</source>
        <translation>&amp;Durchwahl</translation>
    </message>
    <message>
        <source>Login with NFON</source>
        <translation>Bei NFON anmelden</translation>
    </message>
    <message>
        <source>NFON account</source>
        <translation>NFON-Konto</translation>
    </message>
    <message>
        <source>NFON step result</source>
        <translation>Ergebnis des Schritts NFON</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>You can change everything later under Settings in the tray menu.</source>
        <translation>Alles lässt sich später unter Einstellungen im Menü des Infobereichs ändern.</translation>
    </message>
    <message>
        <source>What was set up</source>
        <translation>Was eingerichtet wurde</translation>
    </message>
    <message>
        <source>Problem with %1</source>
        <translation>Problem bei %1</translation>
    </message>
    <message>
        <source>stored; type to replace</source>
        <translation>gespeichert; zum Ersetzen neu eingeben</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>nicht gesetzt</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Verbindung testen</translation>
    </message>
    <message>
        <source>T&amp;est connection</source>
        <translation>Verbindung t&amp;esten</translation>
    </message>
    <message>
        <source>Test the connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>Result of the connection test</source>
        <translation>Ergebnis des Verbindungstests</translation>
    </message>
    <message>
        <source>paste the whole endpoint URL; it contains /api/v1/cti/</source>
        <translation>fügen Sie die ganze Endpunkt-URL ein; sie enthält /api/v1/cti/</translation>
    </message>
    <message>
        <source>K-Account looks like K1234</source>
        <translation>Ein K-Account sieht so aus: K1234</translation>
    </message>
    <message>
        <source>Fix the marked fields first.</source>
        <translation>Korrigieren Sie zuerst die markierten Felder.</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Teste…</translation>
    </message>
    <message>
        <source>Fix the marked fields, or skip this step.</source>
        <translation>Korrigieren Sie die markierten Felder oder überspringen Sie diesen Schritt.</translation>
    </message>
    <message>
        <source>Enter the phone&apos;s address, or skip this step.</source>
        <translation>Geben Sie die Adresse des Telefons ein oder überspringen Sie diesen Schritt.</translation>
    </message>
    <message>
        <source>Not saved: %1 (%2). Check that the folder is writable.</source>
        <translation>Nicht gespeichert: %1 (%2). Prüfen Sie, ob der Ordner beschreibbar ist.</translation>
    </message>
    <message>
        <source>The settings are saved, but there is no working keyring to keep %1. Set the environment variable before ctidesk starts (README, “Headless use”), or install and unlock a keyring and enter it again. Press Next to go on.</source>
        <translation>Die Einstellungen sind gespeichert, aber es gibt keinen funktionierenden Schlüsselbund für %1. Setzen Sie die Umgebungsvariable, bevor ctidesk startet (README, „Headless use“), oder installieren und entsperren Sie einen Schlüsselbund und geben Sie es erneut ein. Mit „Weiter“ geht es weiter.</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>set up</source>
        <translation>eingerichtet</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <source>the phone sends them</source>
        <translation>das Telefon sendet sie</translation>
    </message>
    <message>
        <source>shown, not checked</source>
        <translation>angezeigt, nicht geprüft</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Cannot build the Action URLs: %1</source>
        <translation>Die Action-URLs lassen sich nicht bilden: %1</translation>
    </message>
    <message>
        <source>The Action URLs appear here once the phone is set up (the step before) and ctidesk listens for it.</source>
        <translation>Die Action-URLs erscheinen hier, sobald das Telefon eingerichtet ist (der Schritt davor) und ctidesk auf es hört.</translation>
    </message>
    <message>
        <source>Action URL for %1</source>
        <translation>Action-URL für %1</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the Action URL for %1</source>
        <translation>Action-URL für %1 kopieren</translation>
    </message>
    <message>
        <source>Waiting for ctidesk to listen for the phone…</source>
        <translation>Warte, bis ctidesk auf das Telefon hört…</translation>
    </message>
    <message>
        <source>Waiting for the phone&apos;s next event… call your phone or press a key</source>
        <translation>Warte auf das nächste Ereignis des Telefons… rufen Sie Ihr Telefon an oder drücken Sie eine Taste</translation>
    </message>
    <message>
        <source>✓ The phone sent its “%1” event: the Action URLs work.</source>
        <translation>✓ Das Telefon hat sein Ereignis „%1“ gesendet: Die Action-URLs funktionieren.</translation>
    </message>
    <message>
        <source>Not checked. Press the button again to wait for the phone.</source>
        <translation>Nicht geprüft. Drücken Sie die Schaltfläche erneut, um auf das Telefon zu warten.</translation>
    </message>
    <message>
        <source>&amp;Login with NFON</source>
        <translation>Bei NFON &amp;anmelden</translation>
    </message>
    <message>
        <source>Press Next to save this step; then sign in with “Sign in to NFON” in the tray menu.</source>
        <translation>Mit „Weiter“ speichern Sie diesen Schritt; melden Sie sich dann mit „Bei NFON anmelden“ im Menü des Infobereichs an.</translation>
    </message>
    <message>
        <source>Signed in as %1</source>
        <translation>Angemeldet als %1</translation>
    </message>
    <message>
        <source>Opens NFON&apos;s sign-in page in your browser.</source>
        <translation>Öffnet die Anmeldeseite von NFON in Ihrem Browser.</translation>
    </message>
    <message>
        <source>Previous step</source>
        <translation>Vorheriger Schritt</translation>
    </message>
    <message>
        <source>Save this step and go to the next</source>
        <translation>Diesen Schritt speichern und zum nächsten gehen</translation>
    </message>
    <message>
        <source>Finish the setup</source>
        <translation>Einrichtung abschließen</translation>
    </message>
    <message>
        <source>Close the setup</source>
        <translation>Einrichtung schließen</translation>
    </message>
    <message>
        <source>Skip this step without saving it</source>
        <translation>Diesen Schritt überspringen, ohne ihn zu speichern</translation>
    </message>
</context>
<context>
    <name>JournalTableModel</name>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="198"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="199"/>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="200"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="201"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="202"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="203"/>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="204"/>
        <source>Callback</source>
        <translation>Rückruf</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="205"/>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="210"/>
        <source>Incoming</source>
        <translation>Eingehend</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="210"/>
        <source>Outgoing</source>
        <translation>Ausgehend</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="211"/>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="216"/>
        <source>In progress</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="218"/>
        <source>Answered</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="221"/>
        <source>Voicemail</source>
        <translation>Mailbox</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="223"/>
        <source>Forwarded</source>
        <translation>Weitergeleitet</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="224"/>
        <source>Missed</source>
        <translation>Verpasst</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="226"/>
        <source>Busy</source>
        <translation>Besetzt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="227"/>
        <source>Not reached</source>
        <translation>Nicht erreicht</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="232"/>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="232"/>
        <source>Call back</source>
        <translation>Zurückrufen</translation>
    </message>
</context>
<context>
    <name>JournalWindow</name>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="418"/>
        <source>Call journal</source>
        <translation>Anrufjournal</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="419"/>
        <source>Search by number or name</source>
        <translation>Nach Nummer oder Name suchen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="420"/>
        <source>Needs callback</source>
        <translation>Rückruf offen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="421"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="422"/>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="423"/>
        <source>Call back</source>
        <translation>Zurückrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="424"/>
        <source>Mark done</source>
        <translation>Als erledigt markieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="425"/>
        <source>Delete from NFON…</source>
        <translation>Bei NFON löschen…</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="426"/>
        <source>NFON call summary</source>
        <translation>NFON-Gesprächszusammenfassung</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="427"/>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="428"/>
        <source>Save notes</source>
        <translation>Notizen speichern</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="429"/>
        <source>Calls</source>
        <translation>Anrufe</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="430"/>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="454"/>
        <source>ctidesk is still connecting to Zammad and NFON: until then, Mark done changes only this journal and calls cannot be deleted from NFON.</source>
        <translation>ctidesk verbindet sich noch mit Zammad und NFON: Bis dahin ändert „Erledigt“ nur dieses Journal, und Anrufe können nicht bei NFON gelöscht werden.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="461"/>
        <source>Zammad is not set up, so Mark done changes only this journal.</source>
        <translation>Zammad ist nicht eingerichtet, daher ändert „Erledigt“ nur dieses Journal.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="466"/>
        <source>NFON is not set up, so calls cannot be deleted from the NFON call history.</source>
        <translation>NFON ist nicht eingerichtet, daher können Anrufe nicht aus der NFON-Anrufliste gelöscht werden.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="495"/>
        <source>Calls shown: %1</source>
        <translation>Angezeigte Anrufe: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="511"/>
        <source>Select a call to see its details.</source>
        <translation>Wählen Sie einen Anruf, um Details zu sehen.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="519"/>
        <source>NFON has no summary for this call.</source>
        <translation>NFON hat keine Zusammenfassung zu diesem Anruf.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="569"/>
        <source>Marking the call done in Zammad</source>
        <translation>Anruf in Zammad als erledigt markieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="586"/>
        <source>Delete call</source>
        <translation>Anruf löschen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="589"/>
        <source>Delete the call with %1 from the NFON call history and from this journal? This cannot be undone.</source>
        <translation>Den Anruf mit %1 aus der NFON-Anrufliste und aus diesem Journal löschen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="608"/>
        <source>Deleting the call from NFON</source>
        <translation>Anruf bei NFON löschen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="619"/>
        <source>Export calls</source>
        <translation>Anrufe exportieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="619"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="623"/>
        <source>Calls exported: %1</source>
        <translation>Exportierte Anrufe: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Search calls</source>
        <translation>Anrufe suchen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Finds calls by number or name; Ctrl+F comes back here</source>
        <translation>Findet Anrufe nach Nummer oder Name; Strg+F springt hierher zurück</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Only calls that need a callback</source>
        <translation>Nur Anrufe, die einen Rückruf brauchen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Export the calls shown as CSV</source>
        <translation>Die angezeigten Anrufe als CSV exportieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Newest first; double-click a call to call back</source>
        <translation>Neueste zuerst; Doppelklick auf einen Anruf ruft zurück</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Dials the selected call's number</source>
        <translation>Wählt die Nummer des ausgewählten Anrufs</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Delete the call from NFON</source>
        <translation>Den Anruf bei NFON löschen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Number of calls shown</source>
        <translation>Anzahl der angezeigten Anrufe</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Keep the call</source>
        <translation>Den Anruf behalten</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: no ticket chosen yet.</source>
        <translation>Zammad-Notiz: noch kein Ticket gewählt.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: waits for NFON's summary, then goes to ticket %1.</source>
        <translation>Zammad-Notiz: wartet auf die Zusammenfassung von NFON und geht dann an Ticket %1.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: about to be written to ticket %1.</source>
        <translation>Zammad-Notiz: wird gleich an Ticket %1 geschrieben.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: written to ticket %1; NFON's summary follows when it comes.</source>
        <translation>Zammad-Notiz: an Ticket %1 geschrieben; die Zusammenfassung von NFON folgt, sobald sie kommt.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: NFON's summary is being added to ticket %1.</source>
        <translation>Zammad-Notiz: die Zusammenfassung von NFON wird an Ticket %1 ergänzt.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: written to ticket %1.</source>
        <translation>Zammad-Notiz: an Ticket %1 geschrieben.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: none was written.</source>
        <translation>Zammad-Notiz: keine geschrieben.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: not written to ticket %1.</source>
        <translation>Zammad-Notiz: nicht an Ticket %1 geschrieben.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Zammad note: none (a private call).</source>
        <translation>Zammad-Notiz: keine (privates Gespräch).</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/journal_window.py" line="1"/>
        <source>Open the ticket</source>
        <translation>Ticket öffnen</translation>
    </message>
</context>
<context>
    <name>MissedCallCard</name>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="630"/>
        <source>Missed call from %1</source>
        <translation>Verpasster Anruf von %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="634"/>
        <source>Missed call at %1</source>
        <translation>Verpasster Anruf um %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="637"/>
        <source>%1 missed calls, the last at %2</source>
        <translation>%1 verpasste Anrufe, der letzte um %2</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="641"/>
        <source>Missed call</source>
        <translation>Verpasster Anruf</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="297"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="298"/>
        <source>Name from the phone</source>
        <translation>Name vom Telefon</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="295"/>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="649"/>
        <source>Dismiss: the call stays in the journal (Esc)</source>
        <translation>Schließen: der Anruf bleibt im Journal (Esc)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="650"/>
        <source>&amp;Call back</source>
        <translation>&amp;Zurückrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="9"/>
        <source>Call back</source>
        <translation>Zurückrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/popup.py" line="654"/>
        <source>Call %1 back from the phone</source>
        <translation>%1 vom Telefon aus zurückrufen</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="134"/>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="135"/>
        <source>ctidesk settings</source>
        <translation>ctidesk-Einstellungen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="136"/>
        <source>Settings sections</source>
        <translation>Bereiche der Einstellungen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="137"/>
        <source>Save result</source>
        <translation>Ergebnis des Speicherns</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="138"/>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="139"/>
        <source>Save settings</source>
        <translation>Einstellungen speichern</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="140"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="141"/>
        <source>Close the settings</source>
        <translation>Einstellungen schließen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="661"/>
        <source>enter a host name or address, optionally with :port</source>
        <translation>geben Sie einen Hostnamen oder eine Adresse ein, wahlweise mit :Port</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="669"/>
        <source>enter the full address, starting with https://</source>
        <translation>geben Sie die vollständige Adresse ein, beginnend mit https://</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="755"/>
        <source>Not saved: fix the marked fields.</source>
        <translation>Nicht gespeichert: Korrigieren Sie die markierten Felder.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="763"/>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="773"/>
        <source>Saved, but start at login: %1</source>
        <translation>Gespeichert, aber Start beim Anmelden: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="775"/>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="777"/>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="817"/>
        <source>Fix the marked fields first.</source>
        <translation>Korrigieren Sie zuerst die markierten Felder.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="819"/>
        <source>Testing…</source>
        <translation>Teste…</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="821"/>
        <source>Testing %1</source>
        <translation>%1 testen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="851"/>
        <source>Action URL for %1</source>
        <translation>Action-URL für %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="852"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="853"/>
        <source>Copy the Action URL for %1</source>
        <translation>Action-URL für %1 kopieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="934"/>
        <source>record one key combination</source>
        <translation>nehmen Sie genau eine Tastenkombination auf</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="939"/>
        <source>Ctrl+Alt types characters on many keyboards (AltGr); pick another combination</source>
        <translation>Strg+Alt schreibt auf vielen Tastaturen Zeichen (AltGr); wählen Sie eine andere Kombination</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/settings_dialog.py" line="944"/>
        <source>add Ctrl, Alt, Shift or Meta, or the key cannot be typed any more</source>
        <translation>nehmen Sie Strg, Alt, Umschalt oder Meta dazu, sonst lässt sich die Taste nicht mehr tippen</translation>
    </message>
    <message>
        <source>Save the changed settings before closing?</source>
        <translation>Die geänderten Einstellungen vor dem Schließen speichern?</translation>
    </message>
    <message>
        <source>Unsaved settings</source>
        <translation>Nicht gespeicherte Einstellungen</translation>
    </message>
    <message>
        <source>%1 is not a valid IPv4 address: %2 is larger than 255 (each of the four numbers must be 0 to 255)</source>
        <translation>%1 ist keine gültige IPv4-Adresse: %2 ist größer als 255 (jede der vier Zahlen muss zwischen 0 und 255 liegen)</translation>
    </message>
    <message>
        <source>%1 is not a valid IPv4 address: it needs four numbers from 0 to 255, separated by dots</source>
        <translation>%1 ist keine gültige IPv4-Adresse: Sie braucht vier Zahlen von 0 bis 255, getrennt durch Punkte</translation>
    </message>
</context>
<context>
    <name>DialingPage</name>
    <message>
        <source>&amp;Dialling</source>
        <translation>&amp;Wählen</translation>
    </message>
    <message>
        <source>Default &amp;country</source>
        <translation>Standard-&amp;Land</translation>
    </message>
    <message>
        <source>two letters, e.g. DE</source>
        <translation>zwei Buchstaben, z. B. DE</translation>
    </message>
    <message>
        <source>&amp;Outside-line prefix</source>
        <translation>&amp;Amtsholung</translation>
    </message>
    <message>
        <source>e.g. 0</source>
        <translation>z. B. 0</translation>
    </message>
    <message>
        <source>Phone &amp;account</source>
        <translation>Telefon&amp;konto</translation>
    </message>
    <message>
        <source>Dial &amp;through</source>
        <translation>Wählen &amp;über</translation>
    </message>
    <message>
        <source>the desk phone</source>
        <translation>das Tischtelefon</translation>
    </message>
    <message>
        <source>NFON CTI (originate)</source>
        <translation>NFON CTI (Verbindungsaufbau)</translation>
    </message>
    <message>
        <source>Ask before dialling odd numbers</source>
        <translation>Bei ungewöhnlichen Nummern vor dem Wählen fragen</translation>
    </message>
    <message>
        <source>use a two-letter country code such as DE or AT</source>
        <translation>verwenden Sie einen Ländercode aus zwei Buchstaben wie DE oder AT</translation>
    </message>
</context>
<context>
    <name>EventActionsPage</name>
    <message>
        <source>&amp;Event actions</source>
        <translation>&amp;Ereignisaktionen</translation>
    </message>
    <message>
        <source>Open web pages on call events, e.g. a search in your CRM: one URL per line, starting with https://. Placeholders: {number}, {e164}, {name}, {zammad_user_id}; their values are URL-encoded. Nothing is ever run as a program.</source>
        <translation>Webseiten bei Anrufereignissen öffnen, z. B. eine Suche in Ihrem CRM: eine URL pro Zeile, beginnend mit https://. Platzhalter: {number}, {e164}, {name}, {zammad_user_id}; ihre Werte werden URL-kodiert. Es wird nie etwas als Programm ausgeführt.</translation>
    </message>
    <message>
        <source>When a call &amp;rings</source>
        <translation>Wenn ein Anruf &amp;klingelt</translation>
    </message>
    <message>
        <source>When a call is &amp;answered</source>
        <translation>Wenn ein Anruf &amp;angenommen wird</translation>
    </message>
    <message>
        <source>When a call &amp;ends</source>
        <translation>Wenn ein Anruf &amp;endet</translation>
    </message>
    <message>
        <source>When a call is &amp;missed</source>
        <translation>Wenn ein Anruf &amp;verpasst wird</translation>
    </message>
    <message>
        <source>Open the Zammad &amp;customer</source>
        <translation>Zammad-&amp;Kunden öffnen</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>when the call rings</source>
        <translation>wenn der Anruf klingelt</translation>
    </message>
    <message>
        <source>when the call is answered</source>
        <translation>wenn der Anruf angenommen wird</translation>
    </message>
    <message>
        <source>this URL cannot be used: %1</source>
        <translation>diese URL ist nicht verwendbar: %1</translation>
    </message>
</context>
<context>
    <name>GeneralPage</name>
    <message>
        <source>&amp;General</source>
        <translation>&amp;Allgemein</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>as the system</source>
        <translation>wie das System</translation>
    </message>
    <message>
        <source>A new language shows as soon as you save.</source>
        <translation>Eine neue Sprache gilt, sobald Sie speichern.</translation>
    </message>
    <message>
        <source>Start at &amp;login</source>
        <translation>Beim &amp;Anmelden starten</translation>
    </message>
    <message>
        <source>Log &amp;detail</source>
        <translation>Protokoll&amp;umfang</translation>
    </message>
</context>
<context>
    <name>HotkeyPage</name>
    <message>
        <source>&amp;Hotkey</source>
        <translation>Ta&amp;stenkürzel</translation>
    </message>
    <message>
        <source>Use global hotkeys</source>
        <translation>Globale Tastenkürzel verwenden</translation>
    </message>
    <message>
        <source>D&amp;ial the selection</source>
        <translation>Markierung wä&amp;hlen</translation>
    </message>
    <message>
        <source>click and press the keys; avoid Ctrl+Alt (AltGr on many keyboards)</source>
        <translation>anklicken und die Tasten drücken; Strg+Alt vermeiden (auf vielen Tastaturen AltGr)</translation>
    </message>
    <message>
        <source>click and press the keys; empty switches it off</source>
        <translation>hineinklicken und die Tasten drücken; leer schaltet es aus</translation>
    </message>
    <message>
        <source>&amp;Answer the ringing call</source>
        <translation>Klingelnden Anruf anneh&amp;men</translation>
    </message>
    <message>
        <source>Hang &amp;up</source>
        <translation>A&amp;uflegen</translation>
    </message>
    <message>
        <source>ends the active call, or rejects the ringing one; empty switches it off</source>
        <translation>beendet den laufenden Anruf oder lehnt den klingelnden ab; leer schaltet es aus</translation>
    </message>
    <message>
        <source>&amp;Focus the pop-up</source>
        <translation>Pop-up &amp;fokussieren</translation>
    </message>
    <message>
        <source>Tab moves between its buttons, Esc gives the keyboard back; empty: off</source>
        <translation>Tab wechselt zwischen seinen Schaltflächen, Esc gibt die Tastatur zurück; leer: aus</translation>
    </message>
    <message>
        <source>already used by another hotkey above; pick another</source>
        <translation>schon von einem anderen Tastenkürzel oben belegt; wählen Sie ein anderes</translation>
    </message>
</context>
<context>
    <name>NfonPage</name>
    <message>
        <source>&amp;NFON</source>
        <translation>&amp;NFON</translation>
    </message>
    <message>
        <source>K-Account looks like K1234</source>
        <translation>Ein K-Account sieht so aus: K1234</translation>
    </message>
    <message>
        <source>Use NFON</source>
        <translation>NFON verwenden</translation>
    </message>
    <message>
        <source>NFON account</source>
        <translation>NFON-Konto</translation>
    </message>
    <message>
        <source>Sign in or out of NFON</source>
        <translation>Bei NFON an- oder abmelden</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>&amp;K-Account</source>
        <translation>&amp;K-Account</translation>
    </message>
    <message>
        <source>&amp;Extension</source>
        <translation>&amp;Durchwahl</translation>
    </message>
    <message>
        <source>Use the CTI API</source>
        <translation>CTI-API verwenden</translation>
    </message>
    <message>
        <source>Warning: CTI API credentials see the calls of the whole company. Only use them on trusted machines; Login with NFON is enough for your own call history.</source>
        <translation>Achtung: Mit den Zugangsdaten der CTI-API sieht man die Anrufe der ganzen Firma. Verwenden Sie sie nur auf vertrauenswürdigen Rechnern; für Ihre eigene Anrufliste genügt die Anmeldung bei NFON.</translation>
    </message>
    <message>
        <source>Warning about CTI API credentials</source>
        <translation>Warnung zu den Zugangsdaten der CTI-API</translation>
    </message>
    <message>
        <source>CTI &amp;user</source>
        <translation>CTI-&amp;Benutzer</translation>
    </message>
    <message>
        <source>CTI pass&amp;word</source>
        <translation>CTI-Pass&amp;wort</translation>
    </message>
    <message>
        <source>the CTI API password</source>
        <translation>das Passwort der CTI-API</translation>
    </message>
    <message>
        <source>NFON sign-in is not available in this build.</source>
        <translation>Die Anmeldung bei NFON ist in dieser Version nicht verfügbar.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Signed in as %1</source>
        <translation>Angemeldet als %1</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Nicht angemeldet</translation>
    </message>
    <message>
        <source>Sign &amp;in with NFON</source>
        <translation>Bei NFON &amp;anmelden</translation>
    </message>
</context>
<context>
    <name>PhonePage</name>
    <message>
        <source>&amp;Phone</source>
        <translation>&amp;Telefon</translation>
    </message>
    <message>
        <source>Use the desk phone</source>
        <translation>Tischtelefon verwenden</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>&amp;Adresse</translation>
    </message>
    <message>
        <source>host name or address of the phone, optionally :port</source>
        <translation>Hostname oder Adresse des Telefons, wahlweise mit :Port</translation>
    </message>
    <message>
        <source>Detect automatically</source>
        <translation>Automatisch erkennen</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <source>Sche&amp;me</source>
        <translation>Sche&amp;ma</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;Benutzer</translation>
    </message>
    <message>
        <source>Pass&amp;code</source>
        <translation>Pass&amp;wort</translation>
    </message>
    <message>
        <source>the phone&apos;s admin or user password</source>
        <translation>das Admin- oder Benutzerpasswort des Telefons</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Verbindung testen</translation>
    </message>
    <message>
        <source>Action URLs to paste into the phone</source>
        <translation>Action-URLs zum Einfügen ins Telefon</translation>
    </message>
    <message>
        <source>Open only on this PC&apos;s address towards the phone</source>
        <translation>Nur auf der Adresse dieses PCs zum Telefon hin offen</translation>
    </message>
    <message>
        <source>Action URLs (paste into the phone&apos;s Action URL page):</source>
        <translation>Action-URLs (auf der Action-URL-Seite des Telefons einfügen):</translation>
    </message>
    <message>
        <source>enter the phone&apos;s address, or switch the phone off</source>
        <translation>geben Sie die Adresse des Telefons ein oder schalten Sie das Telefon aus</translation>
    </message>
    <message>
        <source>Shown once the phone listener is available.</source>
        <translation>Wird angezeigt, sobald der Empfänger für das Telefon bereit ist.</translation>
    </message>
    <message>
        <source>Cannot build the Action URLs: %1</source>
        <translation>Die Action-URLs lassen sich nicht bilden: %1</translation>
    </message>
</context>
<context>
    <name>PopupPage</name>
    <message>
        <source>P&amp;op-up</source>
        <translation>&amp;Pop-up</translation>
    </message>
    <message>
        <source>Show the caller pop-up</source>
        <translation>Anrufer-Pop-up anzeigen</translation>
    </message>
    <message>
        <source>Also for outgoing calls</source>
        <translation>Auch bei ausgehenden Anrufen</translation>
    </message>
    <message>
        <source>&amp;Close the pop-up</source>
        <translation>Pop-up &amp;schließen</translation>
    </message>
    <message>
        <source>when the call ends</source>
        <translation>wenn der Anruf endet</translation>
    </message>
    <message>
        <source>when the call is picked up elsewhere or ends</source>
        <translation>wenn der Anruf woanders angenommen wird oder endet</translation>
    </message>
    <message>
        <source>only when I dismiss it</source>
        <translation>nur wenn ich es schließe</translation>
    </message>
    <message>
        <source>&amp;Position</source>
        <translation>P&amp;osition</translation>
    </message>
    <message>
        <source>next to the tray</source>
        <translation>neben dem Infobereich</translation>
    </message>
    <message>
        <source>top right</source>
        <translation>oben rechts</translation>
    </message>
    <message>
        <source>bottom right</source>
        <translation>unten rechts</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>until I press Done</source>
        <translation>bis ich auf Fertig drücke</translation>
    </message>
    <message>
        <source>&amp;Keep the card after a call</source>
        <translation>Karte nach dem Anruf offen &amp;lassen</translation>
    </message>
    <message>
        <source>for notes and a ticket after an answered call; typing starts the time again</source>
        <translation>für Notizen und ein Ticket nach einem angenommenen Anruf; Tippen startet die Zeit neu</translation>
    </message>
</context>
<context>
    <name>RingtonesPage</name>
    <message>
        <source>&amp;Ringtones</source>
        <translation>&amp;Klingeltöne</translation>
    </message>
    <message>
        <source>ctidesk can ring on this PC with a distinct tone for internal calls, external calls and known customers. The desk phone rings as set on the phone.</source>
        <translation>ctidesk kann an diesem PC klingeln, mit je einem eigenen Ton für interne Anrufe, externe Anrufe und bekannte Kunden. Das Tischtelefon klingelt so, wie es am Telefon eingestellt ist.</translation>
    </message>
    <message>
        <source>Ring on this &amp;PC</source>
        <translation>An diesem &amp;PC klingeln</translation>
    </message>
    <message>
        <source>&amp;Volume</source>
        <translation>&amp;Lautstärke</translation>
    </message>
    <message>
        <source>&amp;Internal calls</source>
        <translation>&amp;Interne Anrufe</translation>
    </message>
    <message>
        <source>E&amp;xternal calls</source>
        <translation>E&amp;xterne Anrufe</translation>
    </message>
    <message>
        <source>Known c&amp;ustomers</source>
        <translation>Bekannte K&amp;unden</translation>
    </message>
    <message>
        <source>built-in tone</source>
        <translation>eingebauter Ton</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen…</translation>
    </message>
    <message>
        <source>Choose the sound file for %1</source>
        <translation>Tondatei für %1 auswählen</translation>
    </message>
    <message>
        <source>a 16-bit PCM WAV file; empty for the built-in tone</source>
        <translation>eine WAV-Datei (16-Bit-PCM); leer für den eingebauten Ton</translation>
    </message>
    <message>
        <source>Choose a ringtone</source>
        <translation>Klingelton auswählen</translation>
    </message>
    <message>
        <source>WAV files (*.wav)</source>
        <translation>WAV-Dateien (*.wav)</translation>
    </message>
    <message>
        <source>there is no such file; choose a WAV file, or clear the field for the built-in tone</source>
        <translation>diese Datei gibt es nicht; wählen Sie eine WAV-Datei oder leeren Sie das Feld für den eingebauten Ton</translation>
    </message>
    <message>
        <source>the file is too large for a ringtone; choose a shorter WAV file</source>
        <translation>die Datei ist für einen Klingelton zu groß; wählen Sie eine kürzere WAV-Datei</translation>
    </message>
    <message>
        <source>the file cannot be read; check its permissions or choose another</source>
        <translation>die Datei lässt sich nicht lesen; prüfen Sie die Zugriffsrechte oder wählen Sie eine andere</translation>
    </message>
    <message>
        <source>this is not a 16-bit PCM WAV file; convert it or choose another, or clear the field for the built-in tone</source>
        <translation>dies ist keine WAV-Datei mit 16-Bit-PCM; wandeln Sie sie um, wählen Sie eine andere oder leeren Sie das Feld für den eingebauten Ton</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>%1 settings</source>
        <translation>Einstellungen: %1</translation>
    </message>
    <message>
        <source>remove the spaces at the start or end</source>
        <translation>entfernen Sie die Leerzeichen am Anfang oder Ende</translation>
    </message>
    <message>
        <source>Remove from the keyring</source>
        <translation>Aus dem Schlüsselbund entfernen</translation>
    </message>
    <message>
        <source>Remove %1 from the keyring</source>
        <translation>%1 aus dem Schlüsselbund entfernen</translation>
    </message>
    <message>
        <source>stored in the keyring; type to replace</source>
        <translation>im Schlüsselbund gespeichert; zum Ersetzen neu eingeben</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>nicht gesetzt</translation>
    </message>
    <message>
        <source>Result of %1</source>
        <translation>Ergebnis von %1</translation>
    </message>
    <message>
        <source>Not available in this build.</source>
        <translation>In dieser Version nicht verfügbar.</translation>
    </message>
    <message>
        <source>Problem with %1</source>
        <translation>Problem bei %1</translation>
    </message>
</context>
<context>
    <name>ZammadPage</name>
    <message>
        <source>&amp;Zammad</source>
        <translation>&amp;Zammad</translation>
    </message>
    <message>
        <source>Use Zammad</source>
        <translation>Zammad verwenden</translation>
    </message>
    <message>
        <source>&amp;URL</source>
        <translation>&amp;URL</translation>
    </message>
    <message>
        <source>e.g. https://helpdesk.example.com</source>
        <translation>z. B. https://helpdesk.example.com</translation>
    </message>
    <message>
        <source>&amp;CTI endpoint URL</source>
        <translation>&amp;CTI-Endpunkt-URL</translation>
    </message>
    <message>
        <source>Admin &gt; Integrations &gt; CTI (generic) &gt; Endpoint; it contains a token</source>
        <translation>Admin &gt; Integrationen &gt; CTI (generisch) &gt; Endpunkt; er enthält ein Token</translation>
    </message>
    <message>
        <source>API &amp;token</source>
        <translation>API-&amp;Token</translation>
    </message>
    <message>
        <source>Profile &gt; Token Access (ticket.agent)</source>
        <translation>Profil &gt; Token-Zugriff (ticket.agent)</translation>
    </message>
    <message>
        <source>Send calls to Zammad&apos;s caller log</source>
        <translation>Anrufe an die Anruferliste von Zammad senden</translation>
    </message>
    <message>
        <source>T&amp;est connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>paste the whole endpoint URL; it contains /api/v1/cti/</source>
        <translation>fügen Sie die ganze Endpunkt-URL ein; sie enthält /api/v1/cti/</translation>
    </message>
</context>
<context>
    <name>StatsWidget</name>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="339"/>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="339"/>
        <source>Last %1 days</source>
        <translation>Letzte %1 Tage</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="344"/>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="346"/>
        <source>Calls</source>
        <translation>Anrufe</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="347"/>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="396"/>
        <source>Answered</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="348"/>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="396"/>
        <source>Missed</source>
        <translation>Verpasst</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="349"/>
        <source>Average waiting time</source>
        <translation>Durchschnittliche Wartezeit</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="350"/>
        <source>Average talking time</source>
        <translation>Durchschnittliche Gesprächszeit</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="351"/>
        <source>Open callbacks</source>
        <translation>Offene Rückrufe</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="355"/>
        <source>Calls per day</source>
        <translation>Anrufe pro Tag</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="356"/>
        <source>Calls per hour of the day</source>
        <translation>Anrufe pro Tagesstunde</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="357"/>
        <source>Waiting and talking time per day (average)</source>
        <translation>Warte- und Gesprächszeit pro Tag (Durchschnitt)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="376"/>
        <source>Computing…</source>
        <translation>Wird berechnet…</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="377"/>
        <source>Computing statistics</source>
        <translation>Statistik berechnen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="421"/>
        <source>Waiting</source>
        <translation>Warten</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="422"/>
        <source>Talking</source>
        <translation>Gespräch</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="1"/>
        <source>Statistics period</source>
        <translation>Zeitraum der Statistik</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="429"/>
        <source>Not reached</source>
        <translation>Nicht erreicht</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="429"/>
        <source>In progress</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="390"/>
        <source>Inbound calls: answered and missed</source>
        <translation>Eingehende Anrufe: angenommen und verpasst</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="468"/>
        <source>No inbound calls</source>
        <translation>Keine eingehenden Anrufe</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="470"/>
        <source>%1 % answered of %2 inbound</source>
        <translation>%1 % angenommen von %2 eingehenden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/stats_widget.py" line="479"/>
        <source>Calls in progress, not counted until they end: %1</source>
        <translation>Laufende Anrufe, erst nach dem Ende gezählt: %1</translation>
    </message>
</context>
<context>
    <name>TeamWindow</name>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="93"/>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="94"/>
        <source>Filter by name or extension</source>
        <translation>Nach Name oder Durchwahl filtern</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="95"/>
        <source>Call</source>
        <translation>Anrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="97"/>
        <source>Extension</source>
        <translation>Durchwahl</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="97"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="97"/>
        <source>Line</source>
        <translation>Leitung</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="97"/>
        <source>Presence</source>
        <translation>Anwesenheit</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="100"/>
        <source>Waiting for NFON line states…</source>
        <translation>Warte auf NFON-Leitungszustände…</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="110"/>
        <source>Free</source>
        <translation>Frei</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="111"/>
        <source>Ringing</source>
        <translation>Klingelt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="112"/>
        <source>On a call</source>
        <translation>Im Gespräch</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="113"/>
        <location filename="../../src/ctidesk/gui/team_window.py" line="122"/>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="114"/>
        <location filename="../../src/ctidesk/gui/team_window.py" line="124"/>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="118"/>
        <source>Available</source>
        <translation>Verfügbar</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="119"/>
        <source>Away</source>
        <translation>Abwesend</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="120"/>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="121"/>
        <source>Do not disturb</source>
        <translation>Nicht stören</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="130"/>
        <location filename="../../src/ctidesk/gui/team_window.py" line="137"/>
        <source>Following NFON line states</source>
        <translation>NFON-Leitungszustände verfolgen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="145"/>
        <source>Reading NFON extensions</source>
        <translation>NFON-Durchwahlen lesen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="179"/>
        <source>%1 (you)</source>
        <translation>%1 (Sie)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="1"/>
        <source>Call the selected extension</source>
        <translation>Die ausgewählte Durchwahl anrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="1"/>
        <source>Extensions of your team</source>
        <translation>Durchwahlen Ihres Teams</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/team_window.py" line="1"/>
        <source>Double-click an extension to call it</source>
        <translation>Doppelklick auf eine Durchwahl ruft sie an</translation>
    </message>
</context>
<context>
    <name>TrayController</name>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="187"/>
        <source>ctidesk menu</source>
        <translation>ctidesk-Menü</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="188"/>
        <source>Do &amp;not disturb</source>
        <translation>&amp;Nicht stören</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="189"/>
        <source>&amp;Dial...</source>
        <translation>&amp;Wählen...</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="190"/>
        <source>Show &amp;last caller</source>
        <translation>&amp;Letzten Anrufer zeigen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="191"/>
        <source>Call &amp;journal</source>
        <translation>Anruf&amp;journal</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="192"/>
        <source>&amp;Call lists</source>
        <translation>An&amp;ruflisten</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="193"/>
        <source>&amp;Team</source>
        <translation>&amp;Team</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="195"/>
        <location filename="../../src/ctidesk/gui/tray.py" line="208"/>
        <source>Simulate &amp;incoming call</source>
        <translation>Eingehenden Anruf &amp;simulieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="196"/>
        <source>&amp;Settings...</source>
        <translation>&amp;Einstellungen...</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="197"/>
        <source>Copy dia&amp;gnostics</source>
        <translation>&amp;Diagnose kopieren</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="198"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="247"/>
        <source>Sign &amp;out of NFON</source>
        <translation>Bei NFON &amp;abmelden</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="247"/>
        <source>Sign &amp;in to NFON</source>
        <translation>Bei NFON &amp;anmelden</translation>
    </message>
    <message>
        <source>Set &amp;up...</source>
        <translation>E&amp;inrichten...</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="271"/>
        <source>&amp;Missed calls (%1)</source>
        <translation>&amp;Verpasste Anrufe (%1)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="303"/>
        <source>A caller with a withheld number called at %1.</source>
        <translation>Ein Anrufer mit unterdrückter Nummer hat um %1 angerufen.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="306"/>
        <source>%1 called at %2. Click here to call back.</source>
        <translation>%1 hat um %2 angerufen. Hier klicken, um zurückzurufen.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="329"/>
        <source>%1 called at %2.</source>
        <translation>%1 hat um %2 angerufen.</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="339"/>
        <source>Call back</source>
        <translation>Zurückrufen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="400"/>
        <source>Customer: %1</source>
        <translation>Kunde: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="400"/>
        <source>Incoming call</source>
        <translation>Eingehender Anruf</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="400"/>
        <source>Answer</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="400"/>
        <source>Reject</source>
        <translation>Abweisen</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/tray.py" line="310"/>
        <source>Missed call</source>
        <translation>Verpasster Anruf</translation>
    </message>
</context>
<context>
    <name>TrayStatus</name>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="145"/>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="147"/>
        <source>reachable</source>
        <translation>erreichbar</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="148"/>
        <source>checking</source>
        <translation>wird geprüft</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="149"/>
        <source>not reachable</source>
        <translation>nicht erreichbar</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="150"/>
        <source>password or token rejected</source>
        <translation>Passwort oder Token abgelehnt</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="151"/>
        <source>settings incomplete</source>
        <translation>Einstellungen unvollständig</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="152"/>
        <source>not set up</source>
        <translation>nicht eingerichtet</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="163"/>
        <source>%1: signed in as %2</source>
        <translation>%1: angemeldet als %2</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="167"/>
        <source>%1: signed out</source>
        <translation>%1: abgemeldet</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="175"/>
        <source>Ringing: %1 call(s)</source>
        <translation>Es klingelt: %1 Anruf(e)</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="178"/>
        <source>On a call: %1</source>
        <translation>Im Gespräch: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="180"/>
        <source>Do not disturb: on</source>
        <translation>Nicht stören: an</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="182"/>
        <source>Do not disturb: off</source>
        <translation>Nicht stören: aus</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="185"/>
        <source>Last problem: %1</source>
        <translation>Letztes Problem: %1</translation>
    </message>
    <message>
        <source>ctidesk: ringing (%1)</source>
        <translation>ctidesk: es klingelt (%1)</translation>
    </message>
    <message>
        <source>ctidesk: on a call</source>
        <translation>ctidesk: im Gespräch</translation>
    </message>
    <message>
        <source>ctidesk: not set up yet</source>
        <translation>ctidesk: noch nicht eingerichtet</translation>
    </message>
    <message>
        <source>ctidesk: needs attention</source>
        <translation>ctidesk: braucht Aufmerksamkeit</translation>
    </message>
    <message>
        <source>ctidesk: connecting…</source>
        <translation>ctidesk: verbindet…</translation>
    </message>
    <message>
        <source>ctidesk: ready</source>
        <translation>ctidesk: bereit</translation>
    </message>
    <message>
        <source>do not disturb</source>
        <translation>nicht stören</translation>
    </message>
    <message>
        <source>Choose Set up... in the tray menu</source>
        <translation>Wählen Sie „Einrichten...“ im Menü des Infobereichs</translation>
    </message>
    <message>
        <source>Problem with %1; details: Copy diagnostics</source>
        <translation>Problem bei %1; Einzelheiten: Diagnose kopieren</translation>
    </message>
    <message>
        <source>A problem was reported; details: Copy diagnostics</source>
        <translation>Ein Problem wurde gemeldet; Einzelheiten: Diagnose kopieren</translation>
    </message>
    <message>
        <source>NFON: signed out</source>
        <translation>NFON: abgemeldet</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/icons.py" line="208"/>
        <source>Missed calls not seen yet: %1</source>
        <translation>Noch nicht gesehene verpasste Anrufe: %1</translation>
    </message>
</context>
<context>
    <name>ctidesk</name>
    <message>
        <location filename="../../src/ctidesk/gui/main.py" line="79"/>
        <source>ctidesk cannot start: bad settings: %1</source>
        <translation>ctidesk kann nicht starten: fehlerhafte Einstellungen: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/main.py" line="180"/>
        <source>Could not start: %1</source>
        <translation>Start fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/main.py" line="206"/>
        <source>ctidesk cannot start</source>
        <translation>ctidesk kann nicht starten</translation>
    </message>
    <message>
        <location filename="../../src/ctidesk/gui/main.py" line="205"/>
        <source>ctidesk ran into an unexpected error and keeps running. If it happens again, choose Copy diagnostics in the tray menu and send the result to your administrator. (%1)</source>
        <translation>ctidesk ist auf einen unerwarteten Fehler gestoßen und läuft weiter. Wenn er wieder auftritt, wählen Sie im Menü des Symbols im Infobereich „Diagnose kopieren“ und senden Sie das Ergebnis an Ihre Administration. (%1)</translation>
    </message>
</context>
<context>
    <name>CallNotesPage</name>
    <message>
        <source>After-call no&amp;tes</source>
        <translation>Nach&amp;bereitung</translation>
    </message>
    <message>
        <source>After a call, ctidesk can write an internal phone note on the Zammad ticket you pick on the after-call card: times, the customer, your notes and, where your NFON tenant has them, NFON's summary and transcript.</source>
        <translation>Nach einem Anruf kann ctidesk eine interne Telefonnotiz an das Zammad-Ticket schreiben, das Sie auf der Karte nach dem Anruf wählen: Zeiten, den Kunden, Ihre Notizen und, wo Ihr NFON-Mandant sie hat, NFONs Zusammenfassung und Transkript.</translation>
    </message>
    <message>
        <source>Write a note on the ticket after each call</source>
        <translation>Nach jedem Anruf eine Notiz an das Ticket schreiben</translation>
    </message>
    <message>
        <source>Always use the ticket I opened during the call, without asking</source>
        <translation>Immer das während des Anrufs geöffnete Ticket nehmen, ohne zu fragen</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>do not wait</source>
        <translation>nicht warten</translation>
    </message>
    <message>
        <source>&amp;Wait for NFON's summary</source>
        <translation>Auf NFONs &amp;Zusammenfassung warten</translation>
    </message>
    <message>
        <source>then the note is written without it and completed when it comes</source>
        <translation>danach wird die Notiz ohne sie geschrieben und ergänzt, sobald sie kommt</translation>
    </message>
    <message>
        <source>A &amp;summary that comes later</source>
        <translation>Eine &amp;später kommende Zusammenfassung</translation>
    </message>
    <message>
        <source>is written as a follow-up note</source>
        <translation>wird als weitere Notiz geschrieben</translation>
    </message>
    <message>
        <source>replaces the first note</source>
        <translation>ersetzt die erste Notiz</translation>
    </message>
    <message>
        <source>NFON's t&amp;ranscript</source>
        <translation>NFONs &amp;Transkript</translation>
    </message>
    <message>
        <source>folded at the end of the note</source>
        <translation>eingeklappt am Ende der Notiz</translation>
    </message>
    <message>
        <source>attached as a text file</source>
        <translation>als Textdatei angehängt</translation>
    </message>
    <message>
        <source>left out</source>
        <translation>weggelassen</translation>
    </message>
    <message>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <source>&amp;Give up on a note after</source>
        <translation>Notiz &amp;aufgeben nach</translation>
    </message>
    <message>
        <source>while Zammad cannot be reached, a note waits at most this long</source>
        <translation>solange Zammad nicht erreichbar ist, wartet eine Notiz höchstens so lange</translation>
    </message>
</context>
</TS>
