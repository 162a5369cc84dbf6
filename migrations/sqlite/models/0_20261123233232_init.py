from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "account" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "client_number" VARCHAR(20) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "must_change_password" INT NOT NULL,
    "pin_hash" VARCHAR(255),
    "created_at" TIMESTAMP NOT NULL,
    "password_changed_at" TIMESTAMP
);
CREATE TABLE IF NOT EXISTS "activity_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "actor" VARCHAR(200) NOT NULL,
    "action" VARCHAR(60) NOT NULL,
    "summary" VARCHAR(500) NOT NULL,
    "ip_address" VARCHAR(45),
    "user_agent" VARCHAR(300),
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "contact" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "company_name" VARCHAR(200),
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "phone" VARCHAR(20),
    "street" VARCHAR(200),
    "neighborhood" VARCHAR(100),
    "city" VARCHAR(100),
    "state" VARCHAR(100),
    "postal_code" VARCHAR(16),
    "country_code" VARCHAR(2),
    "active" INT NOT NULL,
    "permissions" JSON NOT NULL,
    "email_categories" JSON NOT NULL,
    "language" VARCHAR(2) NOT NULL /* ES: ES\nEN: EN */,
    "password_hash" VARCHAR(255),
    "must_change_password" INT NOT NULL,
    "invitation_token_hash" VARCHAR(64) UNIQUE,
    "invitation_expires_at" TIMESTAMP,
    "last_sign_in_at" TIMESTAMP,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "api_token" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "permissions" JSON NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP,
    "last_used_at" TIMESTAMP,
    "revoked_at" TIMESTAMP,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "created_by_contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "holder" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(16) NOT NULL /* PERSON: PERSON\nCOMPANY: COMPANY */,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "company_name" VARCHAR(200),
    "national_id_type" VARCHAR(16) /* AR_DNI: AR_DNI\nAR_CUIT: AR_CUIT\nAR_CUIL: AR_CUIL\nMX_RFC: MX_RFC\nMX_CURP: MX_CURP\nPASSPORT: PASSPORT\nOTHER: OTHER */,
    "national_id" VARCHAR(40),
    "tax_id_type" VARCHAR(16) /* AR_DNI: AR_DNI\nAR_CUIT: AR_CUIT\nAR_CUIL: AR_CUIL\nMX_RFC: MX_RFC\nMX_CURP: MX_CURP\nPASSPORT: PASSPORT\nOTHER: OTHER */,
    "tax_id" VARCHAR(40),
    "email" VARCHAR(254) NOT NULL,
    "phone" VARCHAR(20),
    "street" VARCHAR(200),
    "neighborhood" VARCHAR(100),
    "city" VARCHAR(100),
    "state" VARCHAR(100),
    "postal_code" VARCHAR(16),
    "country_code" VARCHAR(2),
    "language" VARCHAR(2) NOT NULL /* ES: ES\nEN: EN */,
    "version" INT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "account_id" INT NOT NULL UNIQUE REFERENCES "account" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "recovery_request" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "voided_at" TIMESTAMP,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "service" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "kind" VARCHAR(16) NOT NULL /* HOSTING: HOSTING\nDOMAIN: DOMAIN\nEMAIL: EMAIL\nVPS: VPS\nOTHER: OTHER */,
    "domain" VARCHAR(253),
    "status" VARCHAR(24) NOT NULL /* ACTIVE: ACTIVE\nSUSPENDED: SUSPENDED\nCANCELLATION_PENDING: CANCELLATION_PENDING\nCANCELLED: CANCELLED */,
    "status_before_cancellation" VARCHAR(24) /* ACTIVE: ACTIVE\nSUSPENDED: SUSPENDED\nCANCELLATION_PENDING: CANCELLATION_PENDING\nCANCELLED: CANCELLED */,
    "payment_method" VARCHAR(16) NOT NULL /* MANUAL: MANUAL\nAUTOMATIC_DEBIT: AUTOMATIC_DEBIT */,
    "recurring_amount" VARCHAR(40),
    "currency" VARCHAR(3) NOT NULL,
    "started_at" TIMESTAMP NOT NULL,
    "next_due_date" DATE,
    "cancelled_at" TIMESTAMP,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "cancellation" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "open_service_id" INT UNIQUE,
    "status" VARCHAR(24) NOT NULL /* AWAITING_CONFIRMATION: AWAITING_CONFIRMATION\nSCHEDULED: SCHEDULED\nCOMPLETED: COMPLETED\nWITHDRAWN: WITHDRAWN\nEXPIRED: EXPIRED */,
    "reason" VARCHAR(500) NOT NULL,
    "requested_at" TIMESTAMP NOT NULL,
    "requested_by" VARCHAR(200) NOT NULL,
    "code_hash" VARCHAR(64),
    "code_expires_at" TIMESTAMP,
    "attempts_left" INT NOT NULL,
    "confirmed_at" TIMESTAMP,
    "effective_by" TIMESTAMP,
    "complete_after" TIMESTAMP,
    "completion_started_at" TIMESTAMP,
    "completed_at" TIMESTAMP,
    "withdrawn_at" TIMESTAMP,
    "expired_at" TIMESTAMP,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "service_id" INT NOT NULL REFERENCES "service" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "mail_message" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "category" VARCHAR(16) NOT NULL /* GENERAL: GENERAL\nPRODUCTS: PRODUCTS\nDOMAINS: DOMAINS\nNOTES: NOTES\nSUPPORT: SUPPORT */,
    "template" VARCHAR(60) NOT NULL,
    "message_id" VARCHAR(200) NOT NULL UNIQUE,
    "subject" VARCHAR(300) NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT,
    "search_text" TEXT NOT NULL,
    "delivery_status" VARCHAR(8) NOT NULL /* QUEUED: QUEUED\nSENT: SENT\nFAILED: FAILED */,
    "queued_at" TIMESTAMP NOT NULL,
    "sent_at" TIMESTAMP,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "resent_from_id" INT REFERENCES "mail_message" ("id") ON DELETE SET NULL,
    "service_id" INT REFERENCES "service" ("id") ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS "mail_recipient" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "address" VARCHAR(254) NOT NULL,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE SET NULL,
    "message_id" INT NOT NULL REFERENCES "mail_message" ("id") ON DELETE CASCADE
) /* One actual recipient of a message; `contact` is set when it was a contact's address. */;
CREATE TABLE IF NOT EXISTS "outbox_message" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "status" VARCHAR(8) NOT NULL /* QUEUED: QUEUED\nSENT: SENT\nFAILED: FAILED */,
    "text_body" TEXT,
    "html_body" TEXT,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMP NOT NULL,
    "lease_until" TIMESTAMP,
    "last_error" VARCHAR(500),
    "message_id" INT NOT NULL UNIQUE REFERENCES "mail_message" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "session" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "last_seen_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "ended_at" TIMESTAMP,
    "ip_address" VARCHAR(45),
    "user_agent" VARCHAR(300),
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXWlz4jga/isuvmxvFdvVIZDpYre2ihB3NzMcWSA9vbNseYwRwdu2TPtIOjXT/30lH/"
    "iSHNtgIjv6EjuyXwHPq+M9Hkl/tHRjAzTr7UBRDAfarb7wRwvKOkA3yUdtoSXv9+EDXGDL"
    "a819V468tLZsU1ZwXVtZswAq2gBLMdW9rRoQlUJH03ChoaAXVXgfFjlQ/eYAyTbugb0DJn"
    "rwn/+iYhVuwHdgBf/uv0pbFWib2JdVN/iz3XLJftq7ZSNof3BfxJ+2lhRDc3QYvrx/sncG"
    "PLytel//HkBgyjbA1dumg78+/nb+Dw1+kfdNw1e8rxiR2YCt7Gh25OeupbCsJUnT2VJaiE"
    "tJahUASDEgBhd9Vcv99ff4K/ytc9H9qfv+8qr7Hr3ifs1DyU8/vI8OgfEEXXimy9YP97ls"
    "y94bLsYhqIqmAmhL0NHXSBspfIc72SQDnBJMYI1+RBLrAFl2wdbl75IG4L29wwi/y0D282"
    "A+/DSYv+m8+yv+QAN1B6+bTP0nHfcRBj8Eey9b1qNhbqSdbO2KgJ0SPA3YQUGIdtidzw93"
    "r5cH716PDjh+FkdcdyxbUnYyvAdSAGIa+GvD0IAMydjTqkioYI3qqEoHh5IKlJCB+fVsNs"
    "Y165b1TXMLRssE9neTa3H+5sJVCXpJtUF02Im0fBUWb/QRmVLt3R86XlFzV0yA4ZBkOw30"
    "DXpiqzqgDOcxyQTcG1/0bXBTw8EmA+zlaCIuloPJbayx3wyWIn7ScUufEqVvrhJ6OVQi/D"
    "pafhLwv8Jvs6nowmlY9r3pfmL43vK3Fv5OsmMbEjQeJXkTxSQoDorI84g3LJXRN6WKEyie"
    "sV5Xd71jc3j7NWK74YK1rHx9lJH2Yk/CBoJsc/VBtZ8IU50v+eGXOdBkF8y02g9ugVeL+A"
    "DShnN9unxY6rfOWF+S9yryRr4CaB0J1l5d4mqaipMiQwVoHgpHQjWMVNVYuAxoo154LFJe"
    "LU0FSZdV7TiAJqiGCbAs+b7GNkk2SCZQjAdgquDItjT36nmaA/Tbrca2KQuYD6pyLFgLr5"
    "bmgmRZx4/jC6+WJoGEjSujY9DMrfijEM+doW1I4bMAzRkESwP9eR7TT4eaamlmkxHVO3oC"
    "UV2GaMje+NVhYaLNSYxVJ4zSrIi196oEDu/ywPW5GkTVgeviLi8PbTDq4sbcMcU2CuUhDg"
    "JNDIm/y5eCyMpBpJIQeFT0ZqACEJPnrCZgfJUH4is6wlcpgC1H12WTEHuhIxwRaSDEvVzN"
    "uJfRjHvpZqzu8bCCRh6CEUsHOi7VvKxCN09SoUvPKXRTKQUHOVQSstUgYb6l4xyXah7Ol7"
    "ma9GVGk74kjcwuw0IqZC/GhZ63G+swepzAdEyFzVMwpzH+YJhAvYe/gCcX6hH6UjhSmRUg"
    "P9RUM4hp7hoqNuXHgw+TaF0IAfS7gZfkHQ4Ww8GN2PpBT0gU8qaLOopBvJ3kI0Zi8RnuYR"
    "D5555hozxD91pgrgreb6DldZFrmrrImKYu0tPUHpi6Sosf/ryYTSkZ57hY0g9XFVv4U9DU"
    "6iLTrX9sHei6MsLaUTVbhdZb/Hn/bFU7yJKgxzDFXPIA8TeTwZekMobj2XXS18YVXCcU4w"
    "5mhWk2canGsfiuunn8uy7dv+tyks2rjESB73sVVVdCzXFJTqlhWcuabNkS8lbLdOekLNc0"
    "y5o2wQOa6croOS7JtcyylnkM5ZROVtroWT9JPrWpGMRU+VJoM9aBeMCqVgGr7HZ9Apjz0/"
    "YYa8h5Uab2ZpYihDGaKSFKmKSh0iOFSvJNHiys09DazggWGnsAJZ8zWGxGI0ieZC5rANyR"
    "XLgt2w4lQytCR08NqPG0+EGa5dhsa/DrYLQcTT9Kw9n0w2g+GSxHs2lfIBav4GL4Sby5G4"
    "s3feFwu4LD2eR2LC5x6eF2BbG9fDMf/IpqO9yuoPjldjTHb/o3rXyqjVNL8oTFOvSwWCcV"
    "FkNTglWMVxJKsKxelkgPpsfdLunFxmV5+JFpRzZU17oQlSgp18CuVQktTkFmX+HcSUyoeS"
    "yXCnInGLDykXWCOA/HsTyKybYN9L1toTa1JWibHpFLyp0vKNeriWmNqt+qpl4uEZmQ5Z2I"
    "5U4EtluAl7IAoinwTC4yIcs1zbKmFUPf4+iZJG9t0nqy53p1UppruwbaRghIli2bJTkltE"
    "q47mug+2NUzjVdC00/qvZuY8qPsISmk7Jc0yxr2nNMy/TouCTXMsta5gyTilJFZZJwJ8i/"
    "NRFXTiZ5ETKJFe4acyS2zdt/JoltvOcyxRvx2TskykhI7Mlgi0Re4kSROg2bbYFOFNmqpm"
    "VLRdeWxaUamIurZIWZS6wvCnVMiCOdD2kcSpDhU2Gwk3LNy31WkmQG5B0P6TgfBBq3Lq/T"
    "y8VA6mVQkHqp9PIeYVSoHR8EmtiAc7XfAscXoM8CoNA2IKFEE/GtYICAyE3YrQ1zZxgEIy"
    "5jDXtCrnlwVzP9EffIzpj2/Pc5vLngxfzdQsPxQYADnG8rBgMhpkmYFlVo1ouLNRDsqzxY"
    "J6PIEaiv0oayA23zqTDUSbnmYd3JMwvS50DS9oQPBIgzz+gJhc54Kk9gO9f3UB6+kcvR6q"
    "hkIxfX65MUBNu9Qd74na4dkixX0clVpMnw3vFPHSiztCkqf75gVUtcFFQAkugL4mIFxSm6"
    "uji+8ATxwofosT0X8zP0mnuGngofVNtdgyyV2+mLWsFJOgJDscXTr1uJQFd+9Qq1Ek74YZ"
    "nw4yaWLPUeSmoZDh9BnOubZX0/ADM41iZnDj0icT4K0kVVQ2lFOwfx7RIb3Ws4LZLT987b"
    "bSrevPxFjwhlc3p//jRHyQQKUB8AyUEseKzjHCjqXs138mwd4Xq5cx3riNa5TyysC0ZVEm"
    "H9swgJPNjwlEI6DTY8E5GzYGtlfbQFOgv2K/pZZUPegSzL3MzWrThf4M27vKu3L9dg+m9v"
    "Vy50UyYAfvpsNCcjczJy85DmZOTzcg1dY0nWkH/kYVVyXCfVw7AKWoO5dDMd9QXvuoLoOr"
    "wbLd0CfBOUjIOS8QpOvkjzD8O+4F3d/4d381u3AN+s4O1gsbidzVE1wd0KzpafxHlfcC9s"
    "TBwRXRXpYQkxhrVbsoN18/SvLr17dVO9y0bVH9mxElUwjPqr7lOemop0p1CCYZ0y05Neet"
    "EMU/DyZTN82UzN8eXLZmrvqPFlM3zZTI0B5stm+LKZl8b6xKxozkd/KeQ5Xax1SrqYs9+U"
    "pIvFJTldjNPF8ui09unaFFmsyK5ZOYhlMwiWBvpTPa3sRVVRGansKAoGJkJNgGXJbkNJ8T"
    "Cij9tZZAyXm6VH3uSUjDr18bZAp2T4Sz0pDvnzll9UnuWAaeujOBXng3Ff8G9W8HY+u7kb"
    "LpFFGNyt4M1sMhhNUZF/s4KoTmw0upcVXNzdeikF/4aRHALQ91pBrz8qw7LiSjpIV3kc/y"
    "u633+Vcvv98a9gsiYu1bx9uKqIx1rO+n+AdJRuRgwrFGlgY77MhfJlBsqXaZRt8N2W1saG"
    "MPQv0SPaqBERagTSWW6R+GUZ84hSS/8PXtF4Nv0YvJ7cDyAO+87WtcKwx4SaEM06N+oWkE"
    "1lJ+HmWwT3hBhv8CWgR96EilcYSMed5kuo5oyRxn/diXf+UbkFbE5Pqi94V2Q9ilNsOqK/"
    "K/hhMHJP8fWuZezI9znmhPfUGeF9cj5AaDilImcxQR44YzpwZgFol1BxRIyvPmdZv8wERl"
    "/afj5xXgGpCHeBrWnoxbBNC5bCl7Eu05TTWxoIK1/9/WoOb2Gs9eaFNuPsFvQVhOndeNyi"
    "Db4nwDeR9Wgmxulph4Jznh0M3Mo2Ry6ebiTsySX53pYDJ0CqyPYFdRlii602D3E1HHttfK"
    "djGqSYn0d25tbUvFZYIi0cNjBKYjjWAp9JDZuxd59LDmNOgIBecGRNOEgKxlaQBT9b8nfh"
    "d/8YrN8F1RIsYAuPOwAFFV1lC73nP/0Lut9s0PBkvU0GUCr7EJ7AZiuB7eumSLIoItKIiO"
    "4Z1vj4faGYgxYX4g5a2u/NyilTYc1MKb/ecE2G4xuhLp3VeWAN5rzeQ7yFPe/8Rs6sPBLf"
    "yBGZ9RoZ8kIbHxMLO2VVbtgUt44JZmHKfKabhZ7NzjmDjTS5jkvk8vxtNfnbF+LzsDkOcz"
    "pPo1GXbUxfJQXa6EnOiMj5bOZ3TA/x0SXw33GC34WoBD+AIM6JIEwTBTQgW0ByoE3aHOWZ"
    "IwniopwQwrSe8VaCwDQNs0iELC7VhBkqbnr1chGqexmE6l6aUM1MMKf2zseJFiVSwz4FFy"
    "UeGfSpxcLEPCGf04UakruOE4INhI3J6eEGfzf0J8mMvM0DDnXq8+2MgEO5A8tOcEoZYzBX"
    "fEwZP2vnVZiE5Y+gO/m5c1zN1anZscrtg2Kdsh8z5gU0Sb8PhroppeGYINcxyzrmyzkqOl"
    "WQ01lOBStfb/Ai6w045eIUlIscB/lVybgIlnoQwh+RVSD0sEdk0QmPdtRq1GxnRDuKHmDT"
    "4IOCKtlepvGnkH2aLZaj6ce+4N8E21oFu1qtoIgu477gXlbw8+2iL6A/LB6PsTF09FlFuk"
    "Mo0by8Vad3mYvbfZnB7b4kbRheMzrXYLgcfRZbBfuFJ9UXvCvezG1xK05vMIvrcLuCw8F0"
    "KI7Hg+VoNpVwoduVSKWHd3ENh9sy/aaTi7KfwdhPxXI9tUhrsEX2oKRg1Wnh8qjyiqbVyH"
    "Bfe1V638tPOl75qSNbjnaaxfO6Ttdyxs49GUzvBuOinduT6gvedQUHd0s02S1HQ+lGvHbP"
    "kooXsDG9mUBxTPwNJFkn+8o3QFF1WSPPdSTxZETPk3/r18NMrzxFPO9GHI4mg/Gbi07b23"
    "Ld+qapnmcXPSsqEftBiAGoFDuCJCJzzmluXnSD+5J2RR6rgm5TkCwKs1wiMS7JM0xMR6dd"
    "1ufGAdKGuPcs1nQGXTQqmKXoZo1YSG/J8cizpMrl3ROyPJvDcn/h2RyedmAsNl74PAIK5l"
    "F38MjtT4YJz7IhyMepwsQzSfl2OtUmWyzL+56EZIsVHKmUlWwJX+LJljrNFe2MZAunlnJq"
    "KRODYSMsXHfdkAVQ3yiu6KQsVzXTquYs4tehZliOZBqV41EJljWs7qUSe6jFpRjO/pU0gb"
    "q9HCZQt0c1gfCjxNGkFjAl5JqQIhN0nONSzcO5kqONeKCN06YZh5XHLzltmm1o2aVND4Cp"
    "KrsWIZDnP2lnxfHk8B0exqvTkNnOCOM9ADMIzua1rCIiLLN5SzNF8xiw6K0MpmjKhMWdqg"
    "DC/usNRPcil9V6kWG1XqStVjzgEr2DnxezKd22IrsGG1WxhT8FTbVqPP2TwMVgxFzr1H5y"
    "ya3j2nGfGVdwfewmM8dOZj/+Dwd0H5E="
)
