from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "webhook_endpoint" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "url" VARCHAR(2000) NOT NULL,
    "event_types" JSONB NOT NULL,
    "secret" VARCHAR(300) NOT NULL,
    "previous_secret" VARCHAR(300),
    "previous_secret_until" TIMESTAMPTZ,
    "enabled" BOOL NOT NULL,
    "failing_since" TIMESTAMPTZ,
    "disabled_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL
);
        CREATE TABLE IF NOT EXISTS "webhook_event" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "webhook_id" VARCHAR(40) NOT NULL UNIQUE,
    "sequence" INT NOT NULL,
    "type" VARCHAR(60) NOT NULL,
    "resource_id" VARCHAR(100) NOT NULL,
    "resource_version" INT,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_webhook_eve_account_c628d6" UNIQUE ("account_id", "sequence")
);
        CREATE TABLE IF NOT EXISTS "webhook_delivery" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(10) NOT NULL,
    "attempts" INT NOT NULL,
    "scheduled_at" TIMESTAMPTZ NOT NULL,
    "next_attempt_at" TIMESTAMPTZ NOT NULL,
    "lease_until" TIMESTAMPTZ,
    "claim_token" VARCHAR(32),
    "last_status_code" INT,
    "last_error" VARCHAR(200),
    "delivered_at" TIMESTAMPTZ,
    "endpoint_id" INT NOT NULL REFERENCES "webhook_endpoint" ("id") ON DELETE CASCADE,
    "event_id" INT NOT NULL REFERENCES "webhook_event" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_webhook_del_event_i_4cd663" UNIQUE ("event_id", "endpoint_id")
);
CREATE INDEX IF NOT EXISTS "idx_webhook_del_status_5b6f00" ON "webhook_delivery" ("status", "next_attempt_at");
COMMENT ON COLUMN "webhook_delivery"."status" IS 'PENDING: PENDING\nDELIVERED: DELIVERED\nFAILED: FAILED';
        ALTER TABLE "account" ADD "webhook_sequence" INT NOT NULL DEFAULT 0;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "account" DROP COLUMN "webhook_sequence";
        DROP TABLE IF EXISTS "webhook_endpoint";
        DROP TABLE IF EXISTS "webhook_event";
        DROP TABLE IF EXISTS "webhook_delivery";"""


MODELS_STATE = (
    "eJztXVtz27gV/iscvTSdcTPxRd6Mu9MZRWYSdWXJleQk7WqHpSjYYkOBKi92PN397wV4EU"
    "kQpAlKlEAYLyZN4kDSd3A5N5zzv87aXgLLfdszDNuHXudK+V8H6muAbshXJ0pH32ySF/iB"
    "py+soK2earRwPUc3cF/3uuUC9GgJXMMxN55pQ/QU+paFH9oGamjCh+SRD83/+kDz7AfgrY"
    "CDXvz6G3pswiX4Adz438137d4E1jLzZc0l/uzgueY9b4JnA+h9DBriT1tohm35a5g03jx7"
    "KxtuW5vh138AEDi6B3D3nuPjr4+/XfRD418UftOkSfgVUzRLcK/7lpf6uQstedbRtNF4pk"
    "3VmaZ1GAAybIjBRV/VDX79A/4Kfzk7vfjp4v355cV71CT4mtsnP/0RfnQCTEgYwDOadf4I"
    "3uueHrYIME5ANSwTQE+D/nqBuJHDt7/SHTrAOUICa/QjSKxjZPkFe63/0CwAH7wVRvhdCb"
    "JfepP+597kzdm7P+MPtNF0CKfJKHpzFrzC4Cdgb3TXfbKdpbbS3RUL2DnC/YAdP0jQTqbz"
    "4eHudqvg3e0WA47fZRFf+66nGSsdPgAtBjEP/AfbtoAO6dgXdUGwYIH6aIoH2ycNMKEE8w"
    "/j8RD3vHbd/1rBg8GMwP7u5oM6eXMasAQ1Mj2QXnZSI9+E7IM+RVNrvEdLxysa7oYDMBya"
    "7uWBvkZvPHMNCpbzDCUB9zIifRvftHCxKQF7NrhRp7PezW1msF/3Zip+cxY8fSaevrkk+L"
    "LtRPk6mH1W8L/Kv8YjNYDTdr0HJ/jEpN3sXx38nXTfszVoP2n6Mo1J/Dh+RN9HwmWpDr8L"
    "utgD4zmbdSLx/QksVrb9XXMBghYagEEeppG+LB3va16/41g6xvrG/feUcIwfLHTj+5OOpk"
    "fmTcIJpPyYj6b3TJElIsqPv0yApQc/KA/1Vu8Ke1EfQXPYNz+3kqfR9M8MWn1jInXvO4Du"
    "jmBtzBnuRlScDB1NSytEYUeo+qmuhIXLhh6ahbsiFfYiKkhgrZtWtMXviJSKu+oHPYmKFv"
    "6Fu4F0g3q4Aa6riwuSAwz7ETjmruNpEvbzPMECiVtlBvIpWJaj5QLn0TR2xWoa9iLqkHLR"
    "jNl905uGvYgKUizAAywr7gjV17Av4cROLLnbZ3aRLJ99lUC7sq0lzfgdQzqGYGajPy8D+3"
    "nbkyBrGcZvfbYmEF3rEO1wy6g7TExVaKieJkLjKfM3hU3DES/dTkK5ndgNVtIw2QIDFZqc"
    "NpMXcUsgokPrXTUHYpkHMedCxKtiuAMxQEzfs0TA+LIKxJfFCF/mAHb99Vp3KIa9YoRTJA"
    "JC3K00jLslw7ibH8bmBi8raOWhSLLFQGepxPMJXlRxCV4UewQvcg5BHymgGpLVIGW/LcY5"
    "SyUezueVhvR5yZA+p63MQXyUxiQvZokO55DhXHTM+WRyMOcx/mg7wHyAv4DnAOoB+lI63d"
    "GVj3prGcRF6hp67OhPWx2GGF0IAfS7QRii0e9N+71rtfNHsbeLSZtmVRRjZw5NR0w5ekrU"
    "w9itJDVDoTTD4MqwV8XtBZS8TittU6cl29RpfpvaAGdtFtlb/z4djwriRbJkpB5uGp7yu2"
    "KZlQz5tVDv/Hzvw0CVURa+aXkmdN/iz/tbp9lFlgY9himjkseIv7npfSOZ0R+OP5C6Nu7g"
    "A8GYYDFjDpLLUgkXg3t5UUW/uyjW7y5kiNyrtESBHxsTdVeDzVlKGRDHM5ct3fU0pK3Wmc"
    "4kreQ0z5x2wCPa6erwOUspucwzl6UNZZ9KVl7oWTxrUdwcG8SF9LXQ5mwCSYNVqwxW5eN6"
    "DzBXjwnlbCBXRblwNvNkIczEMFOshGSMc7Gl0CBbSmNhm5bWkxJjob0BUItiLNl2NArlXv"
    "YyAeBO+cI93fMLPLQq9Ne5BTXrFt9S82yb7fS+9gazweiT1h+PPg4mN73ZYDy6UqiP53Da"
    "/6xe3w3V6ytlezuH/fHN7VCd4afb2znE8vL1pPcV9ba9nUP12+1ggltGN51qrM2GllQxi5"
    "0Vm8XOcmYxtCW4bHElCQXP7OUp6MEJQ91rarFZWml+5FqRTdi1YAolIukEnFqNhMUZSOxj"
    "9p1kiMSLcmnAd4IBq29Zp5BLcxzPq5jueWC98Vw0pu4p3C62yJF0hzPKdVsiWqPu701nXc"
    "8RSdDKScTzJAL39wAfZQFUUeAFXyRBKznNM6cNe73B1jNNv/do58lemtUkteR2C7iNENBc"
    "T3dqxpQUdSJ53wLe78JyyelWcPrJ9FZLR3+CNThN0kpO88zpUDGtM6OzlJLLPHNZRpg05C"
    "qq44Tbg/9NRFxlMMlRgkncJMvOjtiKl6+HxDY7c7mKG4mid2ghI0lgT0m0SKrRXgNFfk1P"
    "3iAxW+c3GTxyxOAR9FkAMJ2LTijE8xY14paDaN1cLWxnZduUEVxyqI+gEw/uRs72GdSMtC"
    "UO0Ki9hLcSvDigiels6pZAAlztbCpS9nRLw35iFpgJMgHBvqyCNalWp6C+zHvykSDiPDND"
    "TdKJh/VZlV2weA8kgb43HdfTWA+1Z6kEDAJqZPkITvSxQp0hkkhXFDTs9UaHz8xgk3QCLh"
    "9NiNGAnpm6GOctQVMD+ohVubqVYp+7JcHP3Vxg2waBxCZyxAQijuBKA5ih7FmQyZUCb2nZ"
    "rYTogIW24mHd3jpbMrvLzuxoJLtLVIkBwfZg05PnF3OHRitZtHcWWTp88KPKDXXOO6XpDy"
    "dIdtQpIwMQxZWiTudQHaFrgOORlaQj18Xkeztuok6gLCD3OqMfZDlUPsQ0Ez6aXnAgXauX"
    "9q2wg70sgEIngEtBV/8oU2Encv3jef0LjH2u+QA1s05AJ4Vc8ptnfj8CJ64JVTF4IkVxuH"
    "i006aW0obSSMncmULPGhkjK2M5DzttGs5kf9RixHxu75zWjW0jWAFWDjCA+Qho2jRj/dgJ"
    "MMyNWa0yYxvhkgVkea6N2haMmgwhTy9ZlDByYkUrDiVPr6JBS5l4sE2i24lSUqUEPGnMUR"
    "kZIgFDjRoJzZBlMQ6T2kmq9q9BteeoLIZkc5P5KWR2qdfB6UfbXNZic4ZQ8phnHkt7bGM5"
    "+GqUwpD1L6SZm5eUBbLoRfWiF9xWuvhsW8vApJOzNEVvTsqMTKukjTQvtWnJPCkxL8nUBD"
    "I1wdHglqkJ2gevTE0gUxMcB2yZmuBw++B+T918Rz+KDvDLZ51iWp69WJ1bdTLFpZzCa1il"
    "qTf6Z1ijCd10uBjvMkOEzBAhHtIyQ8RhtZkgAAhJGmYEcs11ndYPxyzo9Cba9WhwpYTXOU"
    "TX/t1gFjzAN/GTYfxkOIc337TJx/6VEl6D//t3k9vgAb6Zw9vedHo7nqBu4rs5HM8+q5Mr"
    "JbjwsXGkeMWkwGbJOOZuzQl2UWV+XRRPr4vc7PJQ9ztOLKILjlF/1XMqZBPLdEooOOYpNz"
    "OJv0xGosXLyVRGTaYykjlCjmWtkEc5O/uMffA3y5rxnllKGQgoQ4f4D55uIsKFJVigQjTM"
    "GIKZjf40HwtzVFY0duBzpxAMfO7uBriuTj/xk359UhaMERz4WadaypCMNs3xE6U4JCNKv1"
    "fgxH5Z8kvT86zLdD6pI3XSQ8p9dINU98n4+q4/QxJhfDeH1+Ob3mCEHkU3c4j6xEJjcJnD"
    "6d1tqO1HN5yo92C9sRg95WkanhlXU0e6rKIjXRbrSJc5HaldfsUOXtx/QS3e9u+ms/FNZI"
    "limDBTtX83Gcz+icZ6dDeHg9GXwaw3G2D3Y3I/h/FnXCmZT2OdGFV0q9Ni5eo0n4ER6UrY"
    "KJznW2kyuDSZTADHkAAukhEYbY1ZKuFONTbiGXP9xX8ALUS6JDYqIRFwwT+vhPJ5CcrneZ"
    "Q98MPTFvaSIh7N0KuinTVFJATSZaYD9dsss3jkUhZvLQfD8ehT3JzMY5yFfeWtLWbYM0Qi"
    "GH0PjboLdMdYaXj4suBOkMkBXwN6pHGbOOmLhuNXfUpWlGpiJqWbA0qc/7hT79RrVjEzpL"
    "pSwivSsNQRVq/Q3zn82BsM8bvwWkekfF9hT3hfuCO8J/cDhIZfy7qcIZTGZa6Nyy6AXg0W"
    "p8jkuWOe+cuN8+DY8vOefW+IRXgK3Dv2mg3bPKE8f8xPKXoBYZXHul9NJXrORm9VaEsK0a"
    "OvoIzuhsNO0eK7B3wJz6CYGOe3nQKci13iBP7LHfNZCgk7MUyjLLB7QIolo2xblli2BKAJ"
    "rrbvLewfxZjGYRgvIzsOehJvFNYInUgGWEHwRGYEvhA+4WTavhRAgeNmFNTA1y1lS6nY94"
    "quRN6Svyr/jnJ//FsxXcUFnvK0AlAx0VV3Ubvo7Z/Q/XKJlif3LWlAaexDZJAHX0EeEW9Y"
    "nEUpEiEsugcIUZd5txrRe8t8yoWwlrqUX6+5pkTxTYX3HVR54A3mqtpDdoTJnGaHyWlWRS"
    "lrMqlZVjqmiIU58blYLAxldhlXK6TItZsjV/pvm/HfHimeh891WIbzCI267uEQb5qhrdjJ"
    "mSI5nMz8juslPp1a8Qd28AcQ1YgPoJDLQBCuAwUsoLtA86FHO9v/QkndLKkMCOGZz4alm+"
    "uwfiKLiYwgE2GPIkKqq5zHOC8+j3GeO48R5BwDjmM7LEBnqcTDuVspdL1bErrezYeuc2M2"
    "a72at6cj0oUGNsYj0jua11pxTLqKcW1/Rh2y5CbFrEOpylls2IlKgT5rTqq1NO20ac6flJ"
    "h21ogNbMnVEwrxNq/9n2Z+1C2f6SjzlkA8dBtxVEq9Ruo1Uq/Zp16zcWwDiSy1jgaRtHJO"
    "8Tynjla3l+QpRwfcZdleOZnaXrZXLpmNcdmvty/6cktsB39lrV7xeYy9luiTnWdto7vuk+"
    "0s6+mPZf3IEdC2EVBvYS/vSY4CnkfBsc7Oc8ZSWbKbW1g5O9vNGcJNHe2W0e0CVOyOT9VT"
    "/J+pA/fFfs/U+X7p7mzVonlS4u5kLXUncEnBRjJ5tiuvMDvWnc/j6Www+nSlRDdxlu04yf"
    "YcqugyvFKCyxx+uZ1eKegPj4W0lvYafRbLdEgoxHOknXXPK3mnz0u80+e0mt8tOznT688G"
    "X9QO47wIqa6U8Ipzy09v1dE1PjCzvZ3Dfm/UV4fDING2hh8GU4n2dNsW97C9rTNvzioFHZ"
    "TEHOQcOiFbtAW4R/KgZmDWWUkmivqMLuqR47n2qvi+0Z/XOMlOWczUy7zO93LIRPq90V1v"
    "yDq5Q6orJbzOYe9uhja72aCvXasfgqqT2Qd8bG8OMHwHfwNNX9NV5WtgmGvdou91NHLSnh"
    "fSv4364WZW7sOad632Bze94ZvTs5MzIlV+uqokYfpBiAFoFBRgKbD8pGgOuc1NWOvt1Q3Q"
    "qRKfUxyeQ9l8nHrRBFlKGU3AtW06OGC39IG2pJbCwZwuOZmXJixjtFgrFuIbuR6FklS94B"
    "uCVvpyeJ4vaAsBT7Q8fGWlcRKiAxbGic1pra2LE6CmW5qx0uFDralF70FOMO4nGOIZgEss"
    "E9cXQ0o7kmOA5zEgk80L69rlDeJ9+naLHZA5STGwue2YzrdPmO8EQT57IFunhcvJ9NDNer"
    "RdN/yeFI92+Oqk3KOdNJIe7TbtFSclHu2jneHhDGZ5iEdKuHvIkoSzs7gAzQ12RpO0ktVc"
    "sxq9XAHomUbNeU2jl+orzxzn6ISenNgNshnWO8GVppMTmWcOmxutRhWILBXHQTU1hd6Lbg"
    "Wh96JbKPTiV1mh13eBoyFllGaLKsY5SyUezo0UZ5emVXkYiXNYpcVankbiG1p+TyN9BYuV"
    "bX+/jmradyg2XLLJSZkt9ylsjH9g0nqvRt1fO+Ax2sKRYLyxMeq/EZbeX1MR6mRG8N+kGf"
    "iQZuAWHjSIIr47bIh3tuHj24jxa3U4+KJOcMT49nYf9TpOq8h5p8Vi3mleypNlDPYr3rnG"
    "Ciz9egF+JK0063Ct9MuKFa+M4TKz6+vgs8zsetCKFdFZQwMpFQxiCI1UGkbyAoksCnKwXA"
    "OR7ltL9iNp5Q7B8w4RGyDYrLgElTSPU5arwMbDCGuKRGL6sm18a0bb0Xob2QfVuLuWoVzV"
    "hpseXi8bx7emyf3hm+pRVIizCyOHdvItE4rt5Gk+vWwnT48TGfzcqqX1pMTq7TsU00BJZI"
    "JDMwdwlWCqvoBdUcIuFbFzMna4Goed5YD++3Q8KpMRtmSkdG0anvK7YpluY6ts5+d7HxoY"
    "U2Xhm5ZnQvct/ry/MXob9iFuY5gyknauIDJZ+5gQoXEHZEFkFxgOYArLSSgEHP+NxORsHP"
    "Bo2r6rsYNNIRVPqz8E6PXsv4WdSD2fbz0fY0wRlEqzOKSoZBqH6mkc7nXTCg7gm5FaxDLB"
    "csRyYvE8sZamG8yROpbSLKnkM898lqcUhWVzzsJYJatB5OYwadoby2F9SmxiO9l/2BP7GZ"
    "NtiSkrNulWsGNtm+452DMVwe3iQt94WyfDPaVt65C2rZjlNHCLFc8slXAH+y+qaJwXxQpn"
    "PmXpdrRXH8FpEukBo6gWARoMgzZuL6Bh6rLKgL0sHrCXuQGL5AjbdwzAuDAQZAJCfVrJHH"
    "VaYo46zZujtrAhuSfOnlNxmaCRypCp/Gqx0Z8tW6cM5hn4UQBtikSIgVymnKjfZuXeg61u"
    "MhyPPsXNSZeCzGbzSvREeai4mRVLnn7lKl+jtGwc1bLRQ9Abqw7FphG9OSmzZuhJGxmL06"
    "ZF8KTEXlEoIBfrJMWCcTvFOLKgWJWELKhVSUGxXEoWPKkYEI6aC4huI9oeTiBAjdYtDnVK"
    "kRw+zOk4cvDeApoYfBr738z++D/j59Hs"
)
