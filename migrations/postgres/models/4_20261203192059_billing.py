from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "address_deliverability" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "address" VARCHAR(254) NOT NULL UNIQUE,
    "deliverable" BOOL NOT NULL,
    "refusals" INT NOT NULL,
    "last_refusal" VARCHAR(300),
    "refused_at" TIMESTAMPTZ,
    "accepted_at" TIMESTAMPTZ
);
        CREATE TABLE IF NOT EXISTS "staff_key" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "scopes" JSONB NOT NULL,
    "secret_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ
);
        CREATE TABLE IF NOT EXISTS "notice" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "reference" VARCHAR(200) NOT NULL UNIQUE,
    "category" VARCHAR(16) NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "notice"."category" IS 'GENERAL: GENERAL\nPRODUCTS: PRODUCTS\nDOMAINS: DOMAINS\nNOTES: NOTES\nSUPPORT: SUPPORT';
        CREATE TABLE IF NOT EXISTS "staff_audit" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "at" TIMESTAMPTZ NOT NULL,
    "address" VARCHAR(45),
    "operation" VARCHAR(100),
    "fields_called" VARCHAR(500) NOT NULL,
    "outcome" VARCHAR(200) NOT NULL,
    "key_id" INT REFERENCES "staff_key" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_staff_audit_at_c51670" ON "staff_audit" ("at");
COMMENT ON TABLE "staff_audit" IS 'One staff request: which key, from where, which operation and fields, and how it ended. Never the';
        ALTER TABLE "account" ADD "welcome_token_hash" VARCHAR(64) UNIQUE;
        ALTER TABLE "account" ADD "external_id" VARCHAR(100) UNIQUE;
        ALTER TABLE "account" ADD "welcome_expires_at" TIMESTAMPTZ;
        ALTER TABLE "cancellation" RENAME COLUMN "completion_started_at" TO "overdue_at";
        UPDATE "cancellation" SET "overdue_at" = NULL;
        ALTER TABLE "cancellation" ADD "deprovisioned_at" TIMESTAMPTZ;
        ALTER TABLE "cancellation" ADD "deprovision_requested_at" TIMESTAMPTZ;
        ALTER TABLE "holder" ADD "muted_categories" JSONB NOT NULL DEFAULT '[]';
        ALTER TABLE "mail_recipient" ADD "refused" VARCHAR(300);
        ALTER TABLE "service" ADD "external_id" VARCHAR(100) UNIQUE;
        ALTER TABLE "service" ADD "version" INT NOT NULL DEFAULT 1;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "uid_service_externa_4ca3d9";
        DROP INDEX IF EXISTS "uid_account_externa_034473";
        DROP INDEX IF EXISTS "uid_account_welcome_46fbf1";
        ALTER TABLE "holder" DROP COLUMN "muted_categories";
        ALTER TABLE "account" DROP COLUMN "welcome_token_hash";
        ALTER TABLE "account" DROP COLUMN "external_id";
        ALTER TABLE "account" DROP COLUMN "welcome_expires_at";
        ALTER TABLE "service" DROP COLUMN "external_id";
        ALTER TABLE "service" DROP COLUMN "version";
        ALTER TABLE "cancellation" RENAME COLUMN "overdue_at" TO "completion_started_at";
        ALTER TABLE "cancellation" DROP COLUMN "deprovisioned_at";
        ALTER TABLE "cancellation" DROP COLUMN "deprovision_requested_at";
        ALTER TABLE "mail_recipient" DROP COLUMN "refused";
        DROP TABLE IF EXISTS "notice";
        DROP TABLE IF EXISTS "staff_key";
        DROP TABLE IF EXISTS "address_deliverability";
        DROP TABLE IF EXISTS "staff_audit";"""


MODELS_STATE = (
    "eJztXWtz27rR/iscfWk6o2bia8/47XRGkZVEPbbkSnKS9ugMS1OQxYYiVV7keNr89xfgRS"
    "RBkCYoUQaR/RIpFBaSn8Vld/Hs4r+dtb1Apvu2p+u2b3mdK+W/HUtbI/yG/qirdLTNJvmA"
    "PPC0BzNoq6UaPbieo+mkr6Vmugg/WiBXd4yNZ9gWfmr5pkke2jpuaFiPySPfMv7jI9WzH5"
    "G3Qg7+4Lff8WPDWqDvyI3/u/mmLg1kLjI/1liQ7w6eq97zJng2tLwPQUPybQ+qbpv+2koa"
    "b569lW3tWhvhz39EFnI0D5HuPccnP5/8uugPjf+i8JcmTcKfmJJZoKXmm17qz31Qk2cdVR"
    "2NZ+p0MFPVDgdAum0RcPFPdYO//pH8hD+dnpz/+fyXs8vzX3CT4Gfunvz5R/jVCTChYADP"
    "aNb5EXyueVrYIsA4AVU3DWR5quWvH7A2cvj2V5rDBjgnSGGN/wga6xhZccFea99VE1mP3o"
    "og/K4E2c+9Sf9Tb/Lm9N0fyRfaeDqE02QUfXIafETAT8DeaK77ZDsLdaW5Kx6wc4KHATt+"
    "kKCdTOfjw31xUQXvi4tiwMlnWcTXvuup+kqzHpEag5gH/r1tm0iz2NgXdUGp4AH30ZQOdk"
    "8aUEIJ5u/H4xvS89p1/2MGD4YzCvv72/eDyZuTQCW4keGh9LKTGvmGxT/oUzK1xnu0dPxE"
    "w113EIFD1bw80Nf4E89Yo4LlPCNJwb2IRN/Gb1q42JSAPRveDqaz3u1dZrBf92YD8slp8P"
    "SZevrmktLLrhPly3D2SSH/Vf45Hg0COG3Xe3SCb0zazf7ZIb9J8z1btewnVVukMYkfx4/Y"
    "+0i4LNXRd0EXB1C8YLNOJr0/oYeVbX9TXYShtXTEYQ+zRF+2jg81r98JbR0nAKPvHnIszV"
    "RZvkbxTkWJHWSzEsgQPnlXxRLGrQq3quCzH9RYNnV7TTzBb4jfNmBLywb85XkF3C/PC2En"
    "H7FRR983Bl6Yamwc7B5g3xBt3yBhlOW3lM9PHjxo+rcnDe/6mU+S4aHpnrE1vGeGixRJfv"
    "h1gkwtADOv9l04KexlsEXNbSnNqz55Go3OzEzSNka4+rh7grUxZqQbWXHSNWxtmCEKe0LV"
    "T3UlLVy25eFZuC9SYS+ygoTWmmFGnsueSA1IV/2gJ1nRIn/hfiDd4h5uketq8oJk2Z6h7z"
    "uYRkEnskLkIN3eIsfYF6VJ2M/zhLiibpVFSkzTsBwtFznb/UfUNOxF1iHl4kVlf7tgGvYi"
    "K0hx6AYRc3pPqL6EfUlnmRPnxj61i9yd7EcJtCvbXLCOPWNIxxaa2fifl4H9tOtJkrWM4L"
    "c+XVOIrjULGwGLqDsizPT5mBwDyiksYxqETcMRD4QDqQgH/BEnOJISNMSUCYfons3FH9kJ"
    "yEhlqBQwPy0JmJ/mA+ZkVQx3IA6I2XuWDBhfVoH4shjhyxzArr9eaw4j9lmMcEpEQogvKg"
    "3ji5JhfJEfxsaGLCt45WFYssVAZ6XkY4OcVyGDnBdzQc5zVBAfO6AqttUsxn5bjHNWSj6c"
    "zyoN6bOSIX3GWpkDZizz0LjQXswKHe8oXnDTMXdslYM5j/EH20HGo/Ureg6gHuIfpbEpDn"
    "m+c8sgLnLX8GNHe9r5MNTowgjgvxuF5Lx+b9rvXQ86P4oPBLm8aV5HMVzGr5FpbDHyD4ZJ"
    "zhtZDiOzYbfUcQxFyB9Ly4AD2aZVoFvmQPJbD/uaDoIBTPFIq5BEcKsSHmmOJrKbQCaDY1"
    "bKlqYkj0iSjlXQWo60g5a+q5mMkV24ZqRFgM1HA2pqrqdGEPEsF7QcmMGVzOAAsVpk5Kwk"
    "cMnEDvTpaFMvx4ASBT2LpmcOzmCjLkJMiWN5BSm6XIkjEJPzwPaXyvYPXjl28ri9hMHZRk"
    "j5G+SsjSJKxt+m41FBMlFWjF7YDd1T/qeYRiWuTy3UO39Z+lZw2qE8+IbpGZb7lnzfXzvH"
    "X+kJTJlFPkb8zW3vK62M/s34Pb16kw7eU4qplyVxgOwIwdaXhtMjIH9SWtsmm+ZVN/sFsl"
    "7ao+XAja/pkdKyoGmRNe2gLd7p6kUe0pKgZZG1DMeszYRJY9Pl4VmNso/4IC6Ur4W2YBMI"
    "zrRbdaZdPq4PAHP1zDrBBnJVlAtns0gkgkwmKCNKSGeKFkcKdbolBAvbtLR2S4KF9gZZap"
    "SGxbejMSQPspdJAHeKLutpnl9AwxhY/jq3oGaZsztpkWOznd6X3nA2HH1U++PRh+Hktjcb"
    "jkdXCvPx3Jr2Pw2u728G11fK7u3c6o9v724GM/J093ZuEXv5etL7gnvbvZ1bg693wwlpGb"
    "3pVFNtlhFSiRBSwgfJhcXwluDyUc8TCZHVKxIv2gmzYWt6sVlZCD8K7cgm6nrgyjag5SSc"
    "Wo1kzujY7OM+O8kIyccAauDshABWP7LOEIdwnMirmOZ5aL3xXDymlgxtF0fkaLnjBeUuWm"
    "Ja4+6XhrOudxBJycIkEnkSoeUSkWx3xDQFXjiLpGRB0yJrWrfXGxI9U7Wlxyo58dKspqVB"
    "223Qdr0VPCsLmhZZ00+Gt1o42pNVp5YqJQuaFlnTC7Rx7K1BaI7qPtGasn5gBLRkBOyred"
    "B4KzROChUufFRD11lJ0LLIWg7DTnVmdFYStCyyloE/1tBBcJ0j9gOcrsuIK1DFXoUq5iZl"
    "dvfEVr6CvTS22ZkrFCss4uaxCGEJba+EC5ZqdFAa2G/pyRsUr+/8DtSwV6SG4e9CiKswWi"
    "Ih31lwI4fuFl43Vw+2s7Jtrru0aDn54G4kc1dn3tpTQm+I2gO8leAldEWuzPOdAABcLfMc"
    "O3uaqRIWCA/MlJiEYF9WwZp2q1NQX+Z5OtgQcZ65oabl5MP6tMouWLwH0kAvDcf1VN6SFV"
    "kpCSl+jSwfQb4uL9QZIUC6oqFhrzea9cwNNi0n4fLRhBmN2Ld3ldxFGws0NaAlK3W5wSDx"
    "mRyxgIwjuNIALhm/rEsLtrw1RBMhKB9avXwo1G7aXx2N1G6KbqvEsD3a7NvzirXDkgUVHV"
    "xFpmY9+tHtlnWyGdPyxzMkO4MppwKwxJUymM6twQi/Bji+spO00Vz3yXYW3Pk5OUEJt+OL"
    "KreC4FYl9k7uXpAdbuH1uXVIDwVdAPtBZPbD2sfObqgwNVYgp11W1MURrbTdk9aaaYa1Nb"
    "yg3IRar6hjYQcHWQClLu+Ygq5+omJhJ7D+ibz+BcE+13i0VKMOVZ8hDvoWWd9b5MSXQlck"
    "T6QkjsdHO2lqKW2oSBxUxpV61gBHFricx502DV9ll8I8vhOCEYCL73v/8OvLN72nb6Bo5f"
    "aev+udEa0MvLw9kRqQrvpBT5KCFWDlIB0ZW8TypjnAusVdTZBubAzUxjqpleDCSJG0KGYM"
    "nAerSdjP8yTMnpQULRcVnebwYDUNe5EIoyYp5Okli0Ejp1a0Yip5ehUNWkJZ0TaZbl2l5A"
    "4i9KRyszIyQhJSjRqhZsClN8cp3Aau/c/g2gt06Q2oucnKQ1A77ufQ9NY2FrXUnBEEHYus"
    "Y4jHNlZhs8ZFN3C7DYS5RSlZAFfaVL/SRth7bD7Z5iII6eQiTdEn3bIg0yppA+GlNi2Z3Z"
    "LwEpQmgNIErwY3lCZoH7xQmgBKE7wO2FCa4Hj74GGzbr7hP4oN8Mu5TrGsyKdYnbvBZEou"
    "agtfwzvYeqN/hDew4TcdIcY7VIiAChHyIQ0VIo7rzQQEIGxpGBHINdd1Vj8Cq6DTm6jXo+"
    "GVEr7OLfzavx/OggfkTfzkJn5yM7duv6qTD/0rJXwN/t+/n9wFD8ibuXXXm07vxhPcTfxu"
    "bo1nnwaTKyV4EWPjSOmKy4HNigms3ZoT7LzK/Dovnl7nudnl4e73nFhUFwKj/lPPqVBNPN"
    "MpkRBYp8LMJPEqGcnGl4NSRk2WMoIaIa8VrVj7hGRYr4AOSxYK6JCeD1pAB7JtO4ekp/ib"
    "RU1KblYSuJrA7hKf394ECYmHz1GBsDS20MzG/zRPV3pVVTSWk7sXS4akRt4i19XYSVnpj7"
    "tlfJkgJ2udagmsmTbN8a5SzJqJDLwCnsHLxnlaXmR3s/NxMBpMejdXSvRmbt1Nxtf3/Rk2"
    "2uN3c+t6fNsbjvCj6M3cwn0Suz54mVvT+7swIBO9ESQCg9Ybk5PMkJYRWXE13djLKm7sZb"
    "Ebe5lzY9t19Nshi/uvuMXb/v10Nr6NgoUcE2Y66N9PhrN/4LEevZtbw9Hn4aw3G5IT4uT9"
    "3Iq/40rJfBvvxKji/p4U+78n+SKZ2Fcicfu83krr9aXFoEYfR42+yEbgDAdnpaRLPG3k8N"
    "L1H/6NWCz2EvpaIiLhgn9WCeWzEpTP8ih76LunPtgLhnk0wx8V7awpISmQLgsdDL7OyoNi"
    "u8jBzXj0MW5OR8qysK+8tckNe0ZIhrj8sVF3keboK5UMXx7cKTEY8DWgxx63QeryqIRi7D"
    "Pi9NXMTEY3R7Q4/34/uB9c85qZodSVEr5iD2swIu4V/ndufegNb8hn4Wsdk/KXCnvCL4U7"
    "wi/0foDR8GtFlzOCEFwWOrjsIsuroeKUGKSGi6xfYQ4PXtt+PvDZG1YRmQJLx17zYZsXhB"
    "TxPLzZ68MrQpsVAlgh8/4VM++jwXgAbKdJT+0avVWhzc7bDLT4Jyij+5ubTtHiewB8qZNB"
    "OTHObzsFOBcfiVP4L/YsOSol7NQwjQr1HgApnqK/bVli+Wq0Jrjavvdgfy/GNKZhvIzsOO"
    "hJvlFYgzqRDLAC8kRmBL5An3AybV8iUBDejIIb+Jqp7CQVe6loSnRa8n/Kv6LyLP9SDFdx"
    "kac8rZClGPhVc3G76NM/4PeLBV6e3Ld0AKWxLwGSh1gkj0g3PIdFKREpIrpHyCJw0NJ3Wd"
    "Xsi1FOichwYnGEEzmoP9dIcKHs4L4Q1tJz+583JlYSXUhxKI/qoYkGc1UXLTvCoLbfcWr7"
    "VfF8myzuN7I9EtxhGN3RJ6XWtpW0AZpym9bNMgsWG0rIQRYreFhqXSVCQCurQisDOrgEdP"
    "D4Xq0ah9iUKDAV4CS7BTqFM0FhzMr9Lp1s0qrMBrYZxmUu8l1sY4bhdkiJk9LW3I+DCdTL"
    "ZqiXr0TFF9O7Bya+1KhrHsnOZJ2RF1t1KZHj2XTvhF7i04XrvxNubgBRDa+IIQ6ekdCekY"
    "k0F6nYEGVVTitXNiUKXG6R9aybmrEOb6fniQxSYjLsUdTZa5VU6rPiVOqzXCp1UNEZOY7t"
    "8ACdlZIP54tKQdiLkiDsRT4IK8xhbOvdvANVNyo8tuWsbrTnoW0rKhxVObI9XFBngnSbZD"
    "xOEIbIZRL16CbdssCOEzVWnVRrCO20ac53S0I7a6wGvqurEgn5Nq/DnzxtNdPnOqLdCciH"
    "biMcQ/BrwK8Bv+aQfs3GsXVsstQ6LadlYU6JPKeCaaGuNHfFM6WyUgeZUQKRiC6r7FGXxV"
    "vUZW6H0h1UswJzVhICrEJPJvR9Y+Duaqg5KwlLpsha9uvtiz5sie3Q79Y2FrU0nBEEHYus"
    "Y3Jqib/ZeVY3mus+2c6inv9Y1g+MgLaNgHoLe3lPMApEHgWvRRYWTKWHppZAQqqsFGzBEG"
    "6qKhPkTB4iZ/KVye1xQSzG+WeqVlbxuWeqNBccd7Zq0eyWHHfyXiQu8YXtjWRLtutKEH6s"
    "O5/G09lw9PFKid7EGZFxQuTcGuCXmysleJlbn++mVwr+R8Rrihf2Gn8Xz3RIJOQ7SDu9OK"
    "t0On1Wcjp9lruUon2ZM73+bPh50OGcF6HUlRK+kjzg6d1gdE0SZnZv51a/N+oPbm6CO3JU"
    "8jCYSqynu7akh93bOvPmtBLpoIRzkDvQCdWiPqAltgdVnajOTIrI1Vd0UY8Cz7WfSu8b7X"
    "lN6mOWcaZe1nW+l2PegdUb3fdueCd3KHWlhK9zq3c/w5vdbNhXrwfvhzOs/ewDMbY3B+m+"
    "Q36Bqq3ZrvI10o21ZrL3OpY4Hc8L5d9G/QgzKw8Rzbse9Ie3vZs3J6fdU+qWq1gb5/liGR"
    "gxZOkFxTIKIj8pmWNucxPe28zrEnSq8HOK6TmMzcepxybISgKbQOjYdJBgt/CRumDeYkk0"
    "XZKZlxYsU7RcKxbWW654T2BJ1SPfULJwliPyfMFbCHpildAuu9UyETrinZZxOK21V1oGqG"
    "mmqq8067FmTSVWDzDBhJ9gWGfIWhCbuL4ZUtoRjAGRxwA2LZBjYd3x3WZLicnGGD6pFEg/"
    "KQmkn+QD6VvkuMyAUuERUErieOUuTppC+MCcBKgLJy0pQTSID8lKKD46z/k4QbR4zztk+l"
    "TgWRLks6UENBbRE+4kapaL4brh72RwMdx41yrjYiSNgIvRpr2iqxRzMV4t+0wwmCH9DHyz"
    "A9T3InWFXITnBr+iaVlQtdCqxh+ukOUZes15zZKHwIvIGhcotxQmdoNqturlHqblYCKLrG"
    "Fjo9a4ejArJTAdrKbRe35Rweg9vyg0eslHWaPXd5GjYmeUFYsqxjkrJR/Ojdw/CKFVSKMT"
    "HFaIWEMendjQCpxH52nLZc9fGMxSoqlPu6URXNJO1XYNK932HQgpUd3RK+VpZegr5Rt67i"
    "pLx16Te7cdLBk+tjdkVGBhRbMWSvi3dYP3K/uJ3M4d2MhvlRHaIkfB/m+H0l/z3zi3tppj"
    "EERc5Q3+/7Oia46D//Vdz14jx/2DQmKlQRd3w5H7R7g5XMCodY1wyxFd71eofyyFX/YK98"
    "ELtlM17ZHtlksejDNC8qHcCHMoXLRUXSPcZR6wc4IiJ+LWRLyR2wls39NtvrzylIiEKDeT"
    "Wo6e+XzhRAD84Bf9YAzWAfy0wB34NeyqXfBWddSSQSXUBfE74It8tEgpL3lo0TAAlk2r5n"
    "W3xF+BiifNmluubpNecgj/bToeFeRh7iRon9DQPeV/imm4jUURO39Z+pYeRC0efMP0DMt9"
    "S77vr51m11UW4AShjH+YuyiSvhOym3X8SAf0RZEu0h3kcbPKKDGglVEDH2hlP2lgJKCG1a"
    "yNSssCNUFkTTtoa3+rmdGXlgQti6blnNtXJa1kd1ZTP1EiezjUSp0fN0/iC3pY2fa3a2Qa"
    "5Mq9DsOZo5t0y3y6p7Ax8VOT1gd17X7roG1El0HWYmMToH6n/L3fUnXM6Hujfwdn8JjOYA"
    "vL0UV1wTj9k86uyNiurtj14Gb4eTAhdcV2b+fWh94wKDUWvtKHwtW8ykpOZYlPmWNUwWX3"
    "h5gGaR99hRZ+vTIwtCz4K8LZN7m6SakNhlPbDHFQuNAKh/s/fw49w/2fx7r/M8wGDCvS6t"
    "ip4DBDWKJw+Jo3SAKckOPYDs9YzkrJN5QboQ1Evm8t24+WhR1C5B0iDkDwsUQoKUhFYSxX"
    "QYyHE9aUCGD6Mv9mF0bbk4ETxQcHcXctQ7kqDSc9vF5ORNmFJg+Hb6pHWSHOLowi5aTQSi"
    "iOk6f19HKcPD1OgALVqqW1WxL19h1GaKAkC9hhhQNkIEBh87iihV1qYuds7HA1DjvLAV1M"
    "hKLEgA2VsbQPx4biGfyJhITjv5H8942Dtobtuyo/2AxR+bz6Y4BeL/5b2An4+WL7+QRjhq"
    "FUWus/JQXF/qsX+19qhhmUaTcit4hnguWEYWKJPLEWhhvMkTqR0qwo6FlkPQN1W1o116J6"
    "RsccBst74+F7MriJ7VT/q7A+w5BtSSgrDulWiGPtmh6Y7JmqluSSIilkW6fpnhDbOmZsK1"
    "Y5340sWSnpsp3Oq3ic58UOZ/5iy91orz6C0yJwAsZwLQI0OAZt3F7CwNRllQF7WTxgL3MD"
    "FtsRtu/oiHNhoMQkhLqRJOAdbPzXNrFEgTKVXy022rNpa4zBPEPfC6BNiUgxkMuck8HXWf"
    "npwc43uRmPPsbN6SMFSPH9SfxEKODbzIpVwvCBSrPHvxsNIhuvGtnoYej1VYcR04g+6ZZF"
    "M7SkDXBx2rQIdkviFYUGcrFPUmwYt9OMozg5F1VKbeJWxYyci1yxTTKpOBCOmkuIbiPeHi"
    "nWzWTrFlOdUiLHpzm9jh18MEITx5nG4TezH/8Pa9vKtQ=="
)
