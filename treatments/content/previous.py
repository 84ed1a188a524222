"""Fingerprints of the page content shipped before, so ``load_clinic_content`` knows that a
row loaded then, still holding that text, is untouched and may be corrected.

Printed by ``scripts/content_fingerprints.py 1425f8d`` (the content before issue 10's
corrections); add the output for each later revision whose text is replaced.
"""

TREATMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("248a241401334f6056b6482307683601a804e2c11d4ea7d8ffc7b2cb5ffe5ba9",),
    "summary": ("963f437b37829b78846d0dd857441c950691506ce13b7d480dd29373a9d88e18",),
    "seo_description": ("623b58930780e6c05159d63225c8e10ccd596575adf207b38baad7a4ab25085b",),
    "session_minutes": ("e49a14c60926f7d8d49780e0c46944fb45e4882c5e0e78cd65ba49636197e27a",),
    "visit_minutes": ("a20f0b0e3dfbffa89862643eb7305050f071d0f09782829416205bbf54652867",),
    "buffer_minutes": ("7b876057d9edc5c950fd8875e0fb77accda808b815bbbed680dbdff39ae78171",),
    "price_from": ("f4b05889032a2996ae89ed520b2c8ad862d62ad1bdff0b585a08388d8e237f0b",),
    "sessions_min": ("517b6a579bbea01803e7be00e3610699b239f33ea03efe3238b4182d7c32b88b",),
    "sessions_max": ("eeb289915bedc712de2097513eab66fd5f9295a031466a038a756b758e3fda0f",),
    "spacing_weeks_min": ("47102ce35b02a29be041eed2215a426fac27f8fb4198e74c23c5bd5112d31c5f",),
    "spacing_weeks_max": ("59f0d030be5da621725f6ba923ec0d2b790e1932bc3f2ee3efc6d844b0bba72b",),
    "is_published": ("90318fdb4c92bb6dbc20d5e618ffef1987f66f64e36686352e9be15a4086be9a",),
    "is_featured": ("61afe6de0322e661d0601d1fdf6e5e674425f82a378271165698d8ee28e51055",),
    "position": ("9b44c6a5504e40c69122145ff15a6868cd773d18f1a0ec1fb52c5cd101f9110b",),
    "visit_instructions": ("2b794a91ee095f783120771484d550513af2abae473dceab1cf45d85ec482632",),
    "hero_image_alt": ("534a17f0312610f23d8c621572e7ebca6f14cd6852c3c497df02360fbd54cfbd",),
}
SECTIONS: dict[str, tuple[str, ...]] = {
    "how_it_works": ("0c1ee4916d178e210d3c1b89b6a8c9a3c3d70f8c5a2cc1bb7badb08a5adae6e7",),
    "benefits": ("d342a3a8013669d577b2a2be10b71cd2eba1b936f4d5edf5744a169b755b43fc",),
    "risks": ("dafe3ab32e285c6513ce5b0b2a24c31e842be3f2cb4c102eb916828436b0f362",),
    "preparation": ("fac15a5c5e1a7f1fcd8f79d1772b8f6d27f7e5be66eeca025b09c96449de591c",),
    "what_to_expect": ("d362db5b32b0ff9dfbe245968f9f72dee688ac94edebbb2c3a32384c9883301b",),
    "aftercare": ("e6f05e59fea2331dae65aec07a90d34cafe13c152af49da73365ec670bc0f50f",),
    "results": ("090cac48c587f0dda3d0a09d65c742d0c31af4ee76564d454f2300cba9a8b036",),
}
FAQS: dict[str, tuple[str, ...]] = {
    "pain": ("817192ba9411391391fde40b572a4752eb63c5c5a0c07a6582eac869f95d4074",),
    "visit_length": ("57de181fa151839a9c038d11ae7eb252968a674b8dd2d879cce7ee8bc9f5c1f5",),
    "sessions": ("648d991baa773360660f9197648dad59e483bc14ec9f7c963849a43c176b335b",),
    "results_timing": ("6386fc1dba46c4049397cbdbee9f96fa759d18bac6b2be8adeb5102725e507f0",),
    "downtime": ("47b22d82f77d69fbd2aa6435cf8df590e50fdc088f18f56b4fe5968cf0bd599e",),
    "skin_types": ("61ddc995314305b4f2f73d61cdcb25bd9de9935799aa5cbaccf53997e5fc6349",),
    "pregnancy": ("a9b64d18318200c19f7200d1bda570282a9d5c053cfe04751668d05b9f318ad5",),
    "cold_sores": ("5d66efa42d6ed2ad9563d428b32ea15ce9379aa8ea420cbf46c4352d8cd9754e",),
    "stop_before": ("10e9f8c4414bfc89a6cff7c431ba7945dc89a116db202499af6a774b520284a8",),
    "areas": ("cf0420fe1d7f0bbf3ea404316c3776c19c5dbf25ef8fc413b9581d734cb1bf59",),
    "makeup": ("6a58c9776a286eb595454cdc861e85da8ae19fff9f3ab69973619efb24bc79ef",),
    "home_roller": ("0f8c93e051ade4753221fc00c51b00fd97cd2ca82b51bfddf7d5a8ffd70e4812",),
    "travel": ("c4c8ef1d39bc8ab0658875bb15be775145c99bce66080caf246a0dd676de8eb2",),
    "review": ("dc260f1a0ddcb26f7ea63758326b4cd409d0d8f7a832059a190a98ebabaf272d",),
}
# FAQs had no key then: they are recognised by their question.
FAQ_QUESTIONS: dict[str, str] = {
    "db531647c01e0a8342fbbf21857f21b3fdd8ad217a7ae0e8146c84249a0b512f": "pain",
    "594637b1e143dbb780fc3336ccabf5c173f1bd6a6261250a8aeb18896dc86cff": "visit_length",
    "ddcd59cc23958a0d9e976aa1fcc57236cd64a2a9ca76aeba4beaa5977755434b": "sessions",
    "c03aac29d1cf29ec0d52939af07b867a9aa15a6dac42e36a3030e4c5ad416796": "results_timing",
    "8064bc5741ab280c899f94871e42b0b6048c0e4f66116a63fd0e6ba773ab5d19": "downtime",
    "7676cc22773454ff3a3a27dd89239725c101a95c6fcfdf9c57a0f3866db0d4f0": "skin_types",
    "f07f54a0b2c7983d6e54135676c317f3089ec40713c5b1009a0e56176bbc6582": "pregnancy",
    "3e1da1496aaab6cc4227d0f0fba916df6246c685ba65ed2f3f89ff7b49250f27": "cold_sores",
    "44a3ba648eea90a084fe83e8822d04aa4a3fecb8e36a01ff78235f31b331a2b1": "stop_before",
    "5c9ada5c873be26c0bac5c2c8ed287707150a4694b0178c4516299b0406761a0": "areas",
    "bdd3026ba9c6942e51d21768ce3af867f58353f8d5d12ee49fcc40c8680ee949": "makeup",
    "9aea4a4cae220063bfcb3c7ce86d5ff1a5867c9a3911452fca85fa34adda1887": "home_roller",
    "2815b8a8d760174e418cbd81c5b73ab58dc55b8dfe45e6fa3b01e6c8fcda7bfd": "travel",
    "dae04e0db90e2615973767e0c454b55a68ca57481d11dbfe7fc6841e1482264c": "review",
}
