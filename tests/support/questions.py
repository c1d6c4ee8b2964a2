"""Questions that the fixture transcripts (tests/data) answer."""

from __future__ import annotations

GAS = "What did Medvedev tell Miller to do about the Belarus gas debt?"
CEASEFIRE = "Does the ceasefire appeal cover terrorist organisations?"
QUESTIONS = [
    CEASEFIRE,
    "What did Lavrov say about the biological weapons convention and the United States?",
    GAS,
    "What did Kirby say about Iran sanctions?",
    "Why did Putin think BRICS was successful?",
]

# Officials' offices as an index states them, for questions that name a speaker by office.
OFFICES = {
    "Alexei Miller": {"Gazprom CEO", "Chairman of Gazprom Management Board"},
    "Vladimir Putin": {"President of Russia"},
    "Denis Manturov": {"Minister of Industry and Trade"},
    "Dmitry Medvedev": {"Prime Minister"},
    "Olga Golodets": {"Deputy Prime Minister"},
    "Alexei Kudrin": {"Chairman of the Accounts Chamber"},
    "Jake Sullivan": {"National Security Advisor"},
    "Karine Jean-Pierre": {"Press Secretary"},
    "John Kirby": {"White House National Security Communications Advisor"},
    "Veronika Skvortsova": {"Healthcare Minister"},
    "Mikhail Murashko": {"Healthcare Minister"},
}
