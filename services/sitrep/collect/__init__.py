"""Collectors: Telegram (Telethon), news wires (RSS/Atom, ninjs, NewsML-G2), replay."""
