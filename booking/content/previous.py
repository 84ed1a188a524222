"""Fingerprints of the screening questions shipped before, so ``load_clinic_content`` knows
that a question loaded then, still as it was, is untouched and may be corrected; and their
texts, to find the questions loaded before they had a key.

Printed by ``scripts/content_fingerprints.py 1425f8d`` (the questionnaire before issue
10's corrections); add the output for each later revision whose questions change.
"""

QUESTIONS: dict[str, tuple[str, ...]] = {
    "pregnant": ("034072ba8ab4e32e89f8e2a8f3a2a762458f1776c9ba864ad275331a34edde0a",),
    "infection": ("cea07159908d052fa7dc2f9357660c67ada8c2215b05a62603dae45f12ac033c",),
    "open_skin": ("78a9ec82d0edfe72ba1985ba8908d91a3e2ecfcb01422a5b11aabadf79b0e499",),
    "skin_cancer": ("52799d31a505289cc72aecb039f0b065b33c25311002241663adee3151c14b6e",),
    "isotretinoin_now": ("fb5590d8437ed3225735b8d9dd84f06e65ea3f47224063669083b7634fb6f2ff",),
    "isotretinoin_past": ("7084a02ee259239b988142f81b94f97294ba12ea256a0ab878ce079dba34787b",),
    "isotretinoin_last_dose": ("0f158460339412ac998263c84bc276fc81601c9ac80a7dafff2fed89de178c8f",),
    "bleeding_disorder": ("3344d2f4a97b9b4d79b785d819f514da1c718dbf49d3c94b51891d6eab9da461",),
    "allergy": ("9f7a35088e20c3117bc9157afbbd8561e6e5b54c8ce065ed691ba76309ebf7fa",),
    "skin_condition": ("a15b3a5eaac5c5f147d046563cbe179c18232a8eee508cad6395d5f5331b7ce8",),
    "sunburn": ("51f05508e501ea07c78f090efa3e01d779316f20f393073d24fc7980fe4843b0",),
    "keloids": ("fc664d17585b9f92e2360d224fca6801d324d5b58d97e6c41c76f0cdac8e4789",),
    "blood_thinners": ("37845f00ae38b04bb6c2a646d3bebc32885fa740944f2f4aa323ff6f64a2ddff",),
    "cold_sore_history": ("e62e02042547704128ed4c01be0956d5a216bc13afd1f9238fe1d736abc15d21",),
    "diabetes": ("a821a83613c7e3a3aa3af8bea7700121fc0ba68b1e3a19464f4dc00abf302a83",),
    "immune": ("30339cc302e405ecab3c95d34368fc800b2b4e0c9534b4d89e33803661199062",),
    "cancer_treatment": ("47bf46753f92723712a45551b8eec4e1bc8fa424578865668e1a482ae58a6086",),
    "recent_procedures": ("03a91ffac9a6c6f6b457738f2b1036d0082f8df70c08c9accf251f51ddd2ec7f",),
    "nsaids": ("67e45cd02a2c98a92e22b0fa19057b5ff251b2a1ac9c14b306c59100870ca977",),
    "retinoids": ("39448e55ddcc471ffc160432e81debbe1032436206d6ecfda75790a6935673c5",),
}
QUESTION_TEXTS: dict[str, str] = {
    "933cc9e74554d2f4c1831fef8a30d6c2b834486cb43f0e79d3ebfb36a9b929a4": "pregnant",
    "f1780e8f284968abcb891c7f5af5a26b600b1d7399bc6dcfbebcca10b1aa2304": "infection",
    "e18f4d922eb3d7020517828fd6dd5defc3dbc47f5014c4307718b9b5f8304423": "open_skin",
    "c4235002580e51592f9b1d8141a22d7467434366419b04931f3fd134745a1e56": "skin_cancer",
    "d83a66b1686ceb5da5aff237911d70961fff0880a0bdd97b789bbba9ab9ffa2f": "isotretinoin_now",
    "e884772771a15a3a719a24e402cc563346453c028c8b9ad228afaadda40da5bb": "isotretinoin_past",
    "932d7466b859d4a2ee9b290cdc14c617830ab8c2d565f7779625f3bf2b29c28a": "isotretinoin_last_dose",
    "714dde51b1ebedae213dd55ddcecc62cc6f29921b646d8f3dad635670d7076ea": "bleeding_disorder",
    "2c96e327612217bb5838810406a4e1bba90e56a3fb5cead5fb2d29d2b6fc26d1": "allergy",
    "b18ce105d2fe391d5456f58ccca18643ca79372b236d24dcd456583e2d1b87ca": "skin_condition",
    "55de64134ca6f16972515773032608b1305b9e7a4db26b075ca11ac54cf7d6db": "sunburn",
    "dc30239295d661d64433bc984c5697f779a1bee3df595a685b33eac0eda22d5f": "keloids",
    "852b93a79264d75b42eca332b9669b8a49a9d70c480189aafe65ec2db3cfdd16": "blood_thinners",
    "80e8c9ae317c1fce9f8aaa6357ea4e105d0839ebbfbd351ffe5a6afedcd7e86b": "cold_sore_history",
    "c566955cda47430dce15ee75b57457cb32714eb98f850952094a9e73f0128f7d": "diabetes",
    "bc9b17a29a1d26fb95259f059d2452fa1b161942b2256adb57ad1ea9a9bb4b39": "immune",
    "55e0fd0b648c767a3a2194224b6e7b1595315edd8b67715b480008d0fd1c5d0b": "cancer_treatment",
    "420c671187f378edd3cb0aa99ecc4da81bcf65d2ad9d61df3defbbe165b25212": "recent_procedures",
    "ebf1343cd1b97b68da25d29d45f5d5f85f59db96349890a3322798e5af77076f": "nsaids",
    "becebaf435d770c7da499c6dcbb37a953367e2d4bde862efb39c3e5ebf4da8c8": "retinoids",
}
