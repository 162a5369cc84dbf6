from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "factor_reset" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "requested_by" VARCHAR(200) NOT NULL,
    "requested_at" TIMESTAMP NOT NULL,
    "confirm_token_hash" VARCHAR(64) UNIQUE,
    "confirm_expires_at" TIMESTAMP,
    "confirmed_at" TIMESTAMP,
    "cancel_token_hash" VARCHAR(64) UNIQUE,
    "effective_at" TIMESTAMP,
    "cancelled_at" TIMESTAMP,
    "completed_at" TIMESTAMP,
    "lease_until" TIMESTAMP,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE
);
        CREATE TABLE IF NOT EXISTS "passkey" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "credential_id" VARCHAR(1400) NOT NULL UNIQUE,
    "public_key" TEXT NOT NULL,
    "sign_count" BIGINT NOT NULL,
    "transports" JSON NOT NULL,
    "backed_up" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_used_at" TIMESTAMP,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
        CREATE TABLE IF NOT EXISTS "webauthn_challenge" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "purpose" VARCHAR(16) NOT NULL,
    "challenge_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "account_id" INT REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
) /* What the browser must sign: to register a passkey (a signed-in person), to sign in with one (nobody known */;
        ALTER TABLE "account" ADD "contacts_need_second_factor" INT NOT NULL DEFAULT 0;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "account" DROP COLUMN "contacts_need_second_factor";
        DROP TABLE IF EXISTS "webauthn_challenge";
        DROP TABLE IF EXISTS "passkey";
        DROP TABLE IF EXISTS "factor_reset";"""


MODELS_STATE = (
    "eJztXetz2kqy/1dUfDk+VZxUAraT5W5tFcY4YYPBF+OT7B5OaYUYjK6FxOqB49rN/35n9A"
    "A9RkIjEB7G/SFBlqZH8Ot5dPf04z+1pTlDuv2uraqmazi1lvSfmqEsEb5IPqpLNWW12j4g"
    "NxxlqnttlUijqe1Yikr6miu6jfCtGbJVS1s5mmngu4ar6+SmqeKGmvG4veUa2r9dJDvmI3"
    "IWyMIP/vgT39aMGfqB7PDP1ZM815A+i31ZbUbe7d2XnZeVd69nODdeQ/K2qayaurs0to1X"
    "L87CNDatNf/rPyIDWYqDSPeO5ZKvT75d8EPDX+R/020T/ytGaGZorri6E/m5U3l7rybLg+"
    "FYvu+OZbnGAJBqGgRc/FVt79c/kq/wW+PD+cfzT83L80+4ifc1N3c+/vRfvQXGJ/TgGYxr"
    "P73niqP4LTyMt6CquoYMRzbc5RRzI4VvZ6FYdIBThAms8Y9IYh0iyy/YS+WHrCPj0VkQhN"
    "/nIPt7e9T50h6dNd7/Sl5o4ungT5NB8KThPSLgb8FeKbb9bFozeaHYCxawU4SHATu8sUV7"
    "O52PD/fFRRG8Ly6yASfP4ogvXduR1YViPCI5BDEN/JVp6kgx6NhndZFgwRT3URUPNncqYE"
    "IO5lfDYZ/0vLTtf+vejd44gf3D7VV3dPbBYwlupDkouuxERr5msA/6CE2p8R4sHW9ouKsW"
    "InDIipMG+ho/cbQlyljOY5QJuGcB6bvw4gQXmxywx73b7v24fXsXG+zX7XGXPGl4d18Sd8"
    "8uE3zZdCJ9642/SORP6Z/DQdeD07SdR8t747bd+J818p0U1zFlw3yWlVkUk/B2eIu+j/jL"
    "Uhl+Z3RxAMZzNutE4vszmi5M80m2EYbWUBGDPEwj3S0dH2pev+daOt4CjH44yDIUXabpGt"
    "k7VYLsIJsVR4Lwh/dFJGHcKnOr8p79TIxlXTWXRBN8QuyyAZ1aNOAvzwvgfnmeCTt5REcd"
    "/VhpeGEqsXHQe4B9g+d9A/80R1EdWzYQ3ulthP+eyXN8x6So/LnK0I6eQCfaoRMR49b8KW"
    "KJITemivr0rGBZLPZkyz4Mr7bWnBcKrwLKm68jpCvez0xzYWPk83vprlF1G331E3J7N1gz"
    "YiNdWWn+nmDvCdZKG5NuRMVJVbAMqPso7AlVJ9KVsHAFy96eSPm9iAoSWiqaHuiTeyLVJV"
    "11vJ5ERcvfNGW8y6N9x9WN19WI9CQqWmQ87AfSLe7hFtm2Iu6QMkxHU/edegOvE1EhImav"
    "J/SyJ0Z3fi+igmRhsX6NrBfcbLbvcBoFfXXwn4LjpR0KqxGx0dlF1nI+deZ8tGxkrfdfpu"
    "79XkQdUjbeqfYXze/9XoQFSXs0ZM0gIqdObGZ7jyncX8/ohL2JCptjOqvAZrMnYGPc083G"
    "+CMiVs9oqrjO4nBj7BuatkmHLKPsFFf58LwJEWvT/piRvoQzXBHbn9kws6yB8UdbaBemPq"
    "P5aoWQDg00NvF/u4H9sulJkBFI8Fs2lglEl4qBtb5Z0B0hpppEqY6RCZtpnnuk39Qf8V5b"
    "8JI81oCo2kuS/ZgM/GhO4Fws4wQs+9g566BLCP/LQqf8jZxT/kb6lJ+siv4OxAAxfc8SAe"
    "PLIhBfZiN8mQLYdpdLxaIcDWYjHCEREOKLQsP4ImcYX6SHsbYiywpeeSiSbDbQcSrxXFjP"
    "i3iwnmc7sJ6n/FddG1kyltUMyn6bjXOcSjycm4WGdDNnSDdpK7MXzkP1dMuUF+NEx/Mf5F"
    "x0THl1pGBOY3xjWkh7NL6iFw/qHv5SCt0vMx2kdWIQZ6lr+LalPG90mMTowgjg341875lO"
    "+77Tvu7Wfmb7yzBp06yKor+MXyNdW2Pkp5pO3HFoCiO1YT1XcfRJyI9N0oACeUqrQD1PgW"
    "SXHvYVHTgDOBH8UsSzFbfKCX5J+bZuJpBOcYzP9WpMUB7RizFkwUk5McbPPueureiUkZ25"
    "ZkRJIAQhCaiu2I4cQMSyXCTpQAwuJAZ7iJWKoIpTggM834Y+Fa3KBUYmSIHPvPGZwaW+Uh"
    "Uh9BinaQURb/IcRSD0XQfZXyjZ3/tk2MnD9gIaZyuJJFwha6lluUv9/X44yIiAjpMlF3ZN"
    "daT/SrpWyA+vFOq1v85dwzvtkKaupjuaYb8j7/tb7fgrPYEptsiHiJ/dtr8nmdHpD6+Sqz"
    "fp4CrBmHKhnQcI6eRsfak4phOSPggr28Rj08uG7EKo7ulw2VPjS2qkSVrgNM+cttAa73Tl"
    "LA9RSuAyz1yGY9ZqzKSh6DIlUUpeWC0bxJn0pdDmbALBmfZJnWnnj+sDwFw88JyzgVwU5c"
    "zZzJMTQSxRAsVKmEykkG0pVJMtwVh4SktrPcdYaK6QIQchkmw7GoXyIHuZAHBH3GUdxXEz"
    "3DC6hrtMLahxz9kNNc+22Vr7W7s37g0+y53h4KY3um2Pe8NBS6Lenhj3nS/d64d+97olbS"
    "4nRmd4e9fvjsndzeXEIPLy9aj9Dfe2uZwY3e93vRFpGVzUirE27hFSyCEkxx8kZRbDW4LN"
    "5nq+peCZvTz5RVt+pHpJLTZOC+ZHrhXZLbumTNEGSToBp1YlkTMk9wbz2UmMSDwPoArOTg"
    "hg5S3rFHIwx/G8iimOg5Yrx8Zjak7hdrZFLkl3PKPcxYmI1rj7uWYtyx1EJmhhEvE8idB8"
    "jki0O6KKAjvOIhO0wGmeOa2ayxWxnsnK3KGlnNg1q5PUwO1T4Ha5FTxOC5zmmdPPmrOYWc"
    "qzUSYBfIIWOM0zp2doZZlrjbg5yvtYa/L6gRFwIiNgX84Dx0+C4ySJ6MxFJXgdpwQu88xl"
    "3+xUZkbHKYHLPHMZ/McqOgguc8R+gNN1EXEFV7FXcRWztymw98RWvGTaSWzjM5crr7DAN4"
    "/mELZ128vxBYs0Oqgb2B/RyevVdqn9Ca5hr+gaht+FEFNitC2FeGfBlRy6G3jdXExNa2Ga"
    "TAVAk3TiwV1J5K5KLWqX494QtAd4C8FL3BWZIs83BABwschzrOwpulcmhwXmBJmAYF8WwT"
    "qpVkegvkz76WBBJKhIxLRiJOjEw7pRZBfM3gOTQM81y3Zk1pQVcSoBXfwqWT68eF1WqGNE"
    "gHRBQcNcrhTjhRnsJJ2Ay0cVYjSil2vMxnlDUNWAFizV5QqDxCZyhAQijuBCAzhn/NKKFq"
    "xZc4huiSB9aPH0oZC7aX92VJK7KSjmjGF7NOmVLbO5Q6MFFh2cRbpiPLpBOeMy0YxR+uMJ"
    "krXuPSMDMEVL6t5PjO4Af3o4vrKSRKoIP5vWjDk+J0Uo4HZ8UaQqCG6VI++k6oJscPOry5"
    "dxesjoArwfePZ+WLpY2fUZJocMZJTLsro4opS2uXOyYppmrDXHSzchl0vqmNnBQRZAodM7"
    "RqArH6iY2Qmsfzyvf56xLyxzXTIhYJwc+M0zv9fICgu2F3SeiFAczx/tQ1VLaUVJ4iAzrt"
    "CzBnxkwZfzuNOm4lJ2EczDmhAUA1xY7/3m6+5K79EKFCe5vadrvVOslZ6WtydSXdJVx+tJ"
    "ULA8rCykIm2NaNo0A1i3uKsRUrWVhk4xT2ohuIjR4Am97Dms7vxeBMUIjyYSOub72eyJ1C"
    "joqxO47IgLF/VYpQxUIz8gV1C0bJR1QMiC1b3fi6gYBUo+3gJ1Yovad2Td4/56RifsTVDU"
    "HNNZyXNFdUxrT7zGuKcbryNBoXpGU6yDLQ43wr6haZt0KOIYqzJeKCqfUmKGEuJrdtxQVG"
    "T2WkIO6WONm8oLzqFnmdkFL0YkoF9pJX54UOHsOFk6wY77Fuy4HFU4AzZXmWYOEoW+DU6v"
    "TW1Wis0xQuAxzzyGw7fK0imXqGoGpczgTJOX/DRQv6x4/TJui5b5Rs0RshE1RU30cT3P3O"
    "RbWWVr0xLMTae0hNZzzE1QGea40bVQdOnNCNeBulvS6Z5ODR738RlGKwrk47ZPXSBaD6DI"
    "nsBcA7OU+Jz2yueWXVRpxLCm7lpTt3V/Slj3E7Qwu/ifXXq5dTRBC5zmmtNQL+iNcFpHio"
    "1k13BoPiU7YhDjpMBnnvkMhzlw6sCZaXy/SKoqTeNfTH3mmZ9TVvHgST3PIL7YtgFT+CnN"
    "63qOKdyGFO2Qov214IYU7acHL6RohxTtrwM2pGg/3j5YZBcsnn3wCf8oOsC7cz6GtDyftd"
    "fuuqP74aAl+Z8TozO8vWsP/tGSgosaF+MdMuVDpnzxkIZM+cfVZrwoWSxpaAHIJdd1Wj8c"
    "s6DWHsnXg15L8j8nBv7sPPTG3g1yEd7ph3f6E+P2uzy66bQk/9P7u/MwuvNukIuJcde+v7"
    "8bjnA34dXEGI6/dEctyfvgY+OI8IpJgY2TcczdkhPsvMj8Os+eXuep2eXg7vecWIkuOEb9"
    "Tc8pn00s02lLwTFPuZlJ/FV0eU1JAEq6VC1qFZK0GEq6QK2E17JWLF3i5FGukAiNFgqJkJ"
    "4PWkgEsg7XDhm56a5mJbNVxCkhNgN8ZYrw9ORP1FOeMiz+HAW8aoYGGpv4v+p9al6VFZV5"
    "1OzlJUNSxN4i21bo+cqij+t5/jJeurJlpCV4zZzSHK9L2V4zgYCX4WewWziP0vOsbtY+dw"
    "fdUbvfkoKLiXE3Gl4/dMZYaA+vJsb18LbdG+BbwcXEwH0Sud77mBj3D3e+QSa44MQCg5Yr"
    "ndGZIUrDM+PKRtEUUWMvs9XYy5Qae1pHvzWyuH/FLd51Hu7Hw9vAWMgwYe67nYdRb/wPPN"
    "aDq4nRG/zeG7fHPXJCvL2eGOE7WlLsbawTo4j6+yFb//2QLhaIdSVit0/zLbduWZQMapUx"
    "1CoLZARGc3CcSricjJUcXtru9P8QLcFLjvvalkTABb9ZCOVmDsrNNMoO+uHIU3NGEY/G+F"
    "HWzhohEgLpPNNB9/s43yi2sRz0h4PPYfOkpSwO+8JZ6sywx4hEsMsfG3UbKZa6kMnwZcE9"
    "QQYDvgT0WOPWvBoexMXYpdjpi4mZlG6OKHH+70P3oXvNKmb6VC3J/8QaVndA1Cv8/8S4af"
    "f65Jn/WUak/FRgT/iUuSN8Su4HGA23lHU5RgjGZa6NyzYynBIsjpBBoC3P/OXm8OC15ecD"
    "n72R/IIYobllLtmwTRNC9tQ0vDay1ppK160zoY0TAawQHv6KSWmDwXgAbO+3PZ3W6C0KbX"
    "zexqDFX0EaPPT7tazF9wD4Jk4GxcQ4ve1k4Jx9JJ7Af7ZnXS4hYU8M06Bg6QGQYil+eipL"
    "LFv5si2uputMzR/ZmIZuGLuRHXo9iTcKS7hObAdYhvNEbATucJ+wYm13OVAQvxkJN3AVXd"
    "pQSuZcUqTgtOR/pH8Fmcv/JWm2ZCNHel4gQ9Lwp2LjdsHTX/D1bIaXJ/td0oBS2UvAyYMv"
    "J4+ANyyHRRESISy6R4gisNDctRHTyWeERIQTiyOcyEFplkqMC3kH95mw5p7bv12bWI51Ie"
    "JDeVQNjTeYi6po8REGZW+OU/amiOZbZXK/gekQ4w5F6A6e5ErbxrYNuCmf0rqZJ8FiQQlZ"
    "yKAZD3Olqy0RuJUVcSsDd3AB3MGxLo+0dckaRTFS8FSAk+wT4CmcCXIjVvKbMjpu2KYIly"
    "nLd7aM6ZvbISROSFlzPx9McL2sxvXylVzx+dTuwRNfaNQVh0Rn0s7Is6W6CMnxZLr3XC/x"
    "0cT1P4hvrgdRCa2IQg6aEdeaERRNeht8VnVFC4rsslgGE2Qi7FGJs9ciodTN7FDqZiqU2s"
    "vojCzLtFiAjlOJh/NFISPsRY4R9iJthOXmMPbk1bwDZTfKPLZlzG6056HtSWQ4KnJkezij"
    "zp1i20/opUYx54SP6nmGnFWkEVhwTmlq13MsOKwJ9KFQAWOhAgvNEBaQmfOopwiFO5X9cF"
    "4M8PM8xM8ptZTcqa6pcrBWFbXExKmEGN5Hz4qgPRpyxvnPlfaYHXkXoxPGJPOXRqPZ/Nh4"
    "37z8dHH+8ePFp/ebxTv9KG8Vv+p9Jgt5DP+04QZ/AcNemRbNFpaduzhOBVmL8ydFiazFRH"
    "hDM9ldUeZEXmKtGB1k1mLIrIV3zpKJjeOUYLfk2p7l2UtISEAJRidpwXLJM6fBd6eaox4I"
    "EAGXKL4sYqxpEiCI4RBBDK/sbTZCqklSsXVIZV2KdTL2vJ5norSClpsivcWCh70wXj+R7S"
    "+2ZGO0dfQblg6ksD+J9GdLZ/bCfDYkEw+kumQ7eIjNJC+09wm94MuFYi9+pUcOH/wNYEbl"
    "y4xK2CcT9jCZ+KJEVVmcXs++d1kkcPgyO274MhU2DJrdrm1ACHm/pFIH+tyJ8Bf0OdDnOI"
    "cV9DnQ5/iGln99boQwoDY1I1SySb2QVmdFWoMHyiktp/Uc1WmJ2WAyFkEJKcTzkjx8iPNa"
    "0V0mF58NgXjoVpLMChzo34baAg70x3KgX1mmiuxyVoAkLcwpnueUNy2YDadxqoPMKI78Is"
    "FuCpOp1GRCP1Ya7q4Em+OUsGTyzGWwjovN37WpzUpxOEYIPOaZxyQ8Hr/ZepFJVNWzac3K"
    "6Y95/cAIOLURUG5hz+8JRgHPo+C1TkI5YykchHILK2cHoZwhDOegrw4tv+egYeU1yvlnpC"
    "hb9rlnpAYcHHee1KJZzznuhID7atNyP+GfRsd3d0LKkJZnrGtfhvfj3uBzSwouwtTbYebt"
    "idHFH/2W5H1MjN/v7lsS/m9iDMdfuqOW5H3USvDr8GfTM3OJ38UyHbYU4h2kNS6ahU6nmz"
    "mn080kxCeYorXdGfd+79YY54VP1ZL8T5Jw/v6uO7gmmVk3lxOj0x50uv1+e9wbDmRy05tK"
    "tLubtqSHzWWZedMo5HSQ43OQOtDx2SJP0RzLg7JKWKdvqxWWZ3RWjxzPtTfF95XysiSFWP"
    "N8pnbzOt3LESf3bXvw0O6zTm6fqiX5nxOj/TDGm92415Gvu1e9MeZ+/AYf25uFVNci30BW"
    "lnRV+Rqp2lLR6XsdjTxpz/Pp3wX9cDMrD2HNu+52erft/tmHRr2RSPoQcuM8nW8JI4YMNa"
    "MqS4blJ0JzzG1udM84Dco66BTxz8l2z6FsPlY5b4I4JXgTcG2b9jI5z1wkE37QOZ2hsSYJ"
    "8xgt1oqF+ZaqEuVJUuWcbxK0cJbD83zBWwh6ptVqz8vytCU6Yoqn0Jx2shmePNQUXVYXiv"
    "FYsngXrQeYYNxPMMwzZMyITFxeDMntCMYAz2MAixbIMpiTqSbIRPMYriRz7RpZNtWglHkE"
    "FKE4Xnz2h6oQPrBPAgS9C+uUwBvEh/RKyD46T+k4nrWYJgAH5DdfRyjTpBy6KyQMz4IgH1"
    "sJlgrN0ZMFJbbiCHyKI2mMqvXFsG3/e1J8Mexw18rzxdg2Al+MU9or6lK2L8arRZ9xBjOE"
    "n4FudqCEzDbCc6NkQuYILbCaa1bjhwtSnEQtOa9p9GB44ZnjHMWWwsSukM1GudjDKB1MZJ"
    "45rK1Ia9xhhk9ghkYRo+LYHayk0Ht+UUDoPb/IFHrJo7jQ69rIkrEySrNFZeMcpxIP52Yh"
    "S3Uzx1LdTFuqwbQKYXScwwoWa4ij4xtajuPoMKN6Bt4zdbKNoBrNhptoUs+15ZJyg5pBfD"
    "8izXdWirhCzjNChqRIlva4cKQw2l5SjJmE1VnJRhjDGSZXHdNqSfbCtJzfdG2NZvVIyYc6"
    "7mCOniXFIYH7jp0uGFHli8ACDRZoHmEGCzTotmCkAjYXsz4HOxqLthchEabA8MEUPUgpJ/"
    "iEAQMJGEj4hhUMJGAg4Rtajg0kjjKft92Z5tRotpHt03quWYS0k5VNw0KlMz0iKSjM0pKe"
    "F5q6IMUq69LcMpf4b2RhSv+2uSKjAhN7hgz/t9W964X5LGmO5B0ivpMGaI0sYuhIWUYqf+"
    "PEWCuWRhCxpTP894ukKhapzunajrlElv2LRFR5r4u73sCGYpw8GlVK+KMcUe07JtJCCbHs"
    "p9ZwZM10ZL1ZLlkwjhGJh3IloVX+oiWr5PyBKY4tRchzprKSiF8UQvwiB/GLNOKm66gmW+"
    "K9CImAKFeTew+9sOnCWwLQg3fqwRisA+hpnjrw1e/qtOAtqqhtB1VMScOvlwYP/f6ramkE"
    "+CwdLWDKLg0tGAYQhnRS87qeo69ASthqxS1bNUkvKYT/fj8c0BHeUiR1Qk11pP9KumZXZk"
    "Ws/XXuGqpntZi6mu5ohv2OvO9vtWrXVRrgBKGYfhjifHbb/p5kQac/vEoqfqSDqyQ7kGoh"
    "h9npIUEGXg+JgQ9eD2/UMOLFzpU8wk3Swjkuz5y20Np8KpnyKEoJXOaNyym1r0jejc1ZTX"
    "wksGSSiB8OnSTPj5tIYmw6qxvP8bZG0eMiT+t5mpyD28nzbcOdZ21taYUs2zR+saVI7Kxp"
    "Sfgd0tnopiNdNpqffm3hZl5SM8krAycpkmpaFsIyq4q/BP7PmGvW0pY0J+12XM0rQNfkS9"
    "f0ecwid28phBO5z4som+fZumY6/bSvpLCrNYKq842LIodUuFVORYvUMRWoNcKKQQnXJLKT"
    "lGN0ghYEXp45vVVCbQetKAKt9pi576dpBTpJ+kuj0Wx+bLxvXn66OP/48eLT+404kH6UJx"
    "dc9T4T0SDGYUhRCW7CJwcruAmDmzDf0PLrJvwNTdtYsc+PpE43qucZMp7RlBgLmIOpvy0U"
    "x4tlnlrms40saenajkQiszGqpmShRw3v55akeNHPT+hFOlO8x2j2m2YElopf66QtuSvhe8"
    "+as5BMA0lnhjk1Zy/SE5Y3jJSZ42hvnhgvyGlJM81WzTUe6BgxCSsgM2JYwaDgLhQ7Gs5N"
    "5BfJnEv+2/C76pJpSXP8jzz5zV2BPYVHe4prYXGY6fg+QiKgyn/4KmqbpYX5yDhNKZwJC0"
    "6NQemGWHlgcxabIbRbbP6+ls2GM5aCyYZbWDkz2XCGMFhsXh1ari02C9N8ukYkuZtFjRxI"
    "NqnvsNaQxuQHblsfNI7gjxpaB8lrkTFbmQT1PxMGij+CYvOkkVcrNkjOQ+SNP8F6cUzrxZ"
    "YRaZV6dx35LfURq2bfdQfXvcHnGhviIVlLCi4mxnW33/u9O+pet6TN5cS4aff65Jb/mbQe"
    "FgthKBTBkBPAkMpvDPmuDivd2eoCzdxyRZmTtKD/cq0fJTcYRm5TyIHhXDNcR4qNZM83lZ"
    "XZCVIwfPDMZ1VXtKXsZcJlOhKIk4mXsKLZKCB+NBvZ9RUaSfHDr83lyXoy8fFmEENopGAX"
    "SQskHk7IsvxwgKJjOU4l3lCuJEdFoPuWkv2StLBD8LxDhAYINiNuggocGinLlWfjYYQ1Qg"
    "KY7jaNb8xoe1pvA/tgN+zuxFAuasONDq/dxvGNafJw+EZ6FBXi+MLIoZ18w4RsO3mUT7vt"
    "5NFxAvl2TmppredYvV2LYhrIqcln0cwBIvjqYfG4oISdK2KnZGx/NfY7SwGdnXUnQQapd2"
    "KS9uFS77AMfqHDUyupRrmy0FozXVtmB5tCKp5WfwzQy9l/MzsBPZ9vPZ9gTBGUrkxTR4qR"
    "pedvqBLsnWKyqpa2UIw6LkuvhsN+jJtXvUQw6ODh9qo7OvvgsRE30ny5Pq36zxVNx99Ctr"
    "VALWKZYClimFg8T6yZZntzpIylNE4KfOaZzxDxISybUxbGbANN6ohEo2lvLMnFKL6Jp8n+"
    "46YYi5lsc0xZoUm3gB1r0/TAzp4RB26bVOQh23rS3RNsW8e0bYUsp4GbrXjGqYQLkqwiz1"
    "cw2ouP4CgJnIBRVAsPDYZBG7YX0DB1WWTAXmYP2MvUgMVyhOlaKmJcGBJkAkJdScb5DWxY"
    "7rGpBZUylwkaKbhMpVeLlfKimwplMI/RjwxoIyRCDOQ85aT7fZx/erDRTfrDweewefJIAT"
    "IDvBE9kYeQYt54KmDwK28QHzL6FSwbh0C+UstGG0OvLmoUm0bwpJ5nzVC2bcAX55QWwXqO"
    "vSJTQM7WSbIF49MU446QMptMKgaEg+YColuJtkcSCFC9dbNdnSIkx3dzeh05+GAOTQxnGo"
    "ffzH7+Px1/uCk="
)
