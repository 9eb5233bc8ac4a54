"""The demo region's municipalities: the large, Östersund-like one that `catalogue` describes, and two
small inland municipalities of the same county (Jämtland, SCB county 23), each with its letterhead, one
team, one coordinator and one manager login, and local employers of its own.

Everything here is invented for the demo but the public facts it mentions (municipality and place
names, SCB codes); the organisation numbers are checksum-valid numbers of the municipal series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import catalogue
from .catalogue import OrganisationSpec

# name, latitude, longitude, city used in addresses, postal code prefix (as catalogue.DISTRICTS)
District = tuple[str, str, str, str, str]
# org key, workplace name, kind (a key of catalogue.OFFERS), district, street (as catalogue.WORKPLACES)
WorkplaceSpec = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class EmployerFacts:
    """What a municipality's employers are built from (`organisations`): its organisations, their
    workplaces and the districts they are in."""

    organisations: Sequence[OrganisationSpec]
    workplaces: Sequence[WorkplaceSpec]
    districts: Sequence[District]

    def domain_of(self, organisation_name: str) -> str:
        """The e-mail domain of an organisation's staff."""
        return next(spec.domain for spec in self.organisations if spec.name == organisation_name)


LARGE_EMPLOYERS = EmployerFacts(catalogue.ORGANISATIONS, catalogue.WORKPLACES, catalogue.DISTRICTS)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class SmallMunicipality:
    """A small municipality of the demo region: one team, whose one coordinator has every participant."""

    code: str  # SCB's
    name: str
    letterhead: Mapping[str, str]  # as settings.PLATSA_LETTERHEAD: unit, address, phone, email, web
    domain: str  # of its staff's e-mail addresses
    team: tuple[str, str]  # name, description
    coordinator: DemoLogin
    manager: DemoLogin
    participants: int
    district_weights: Mapping[str, int]  # where its participants live
    school: str  # where its newcomers study SFI
    employers: EmployerFacts
    regional_needs: bool = False  # the region's needs are published to it (and a few placed there)

    @property
    def logins(self) -> tuple[DemoLogin, DemoLogin]:
        return self.coordinator, self.manager


def _department(key: str, name: str, number: str, domain: str) -> OrganisationSpec:
    return OrganisationSpec(key, name, "municipal_department", number, domain)


BRACKE_NUMBER = "212000-2304"
RAGUNDA_NUMBER = "212000-2361"

BRACKE = SmallMunicipality(
    code="2305",
    name="Bräcke kommun",
    letterhead={
        "unit": "Arbetsmarknadsenheten",
        "address": "Box 190, 843 21 Bräcke",
        "phone": "0693-161 00",
        "email": "arbetsmarknad@bracke.example",
        "web": "bracke.example",
    },
    domain="bracke.example",
    team=("Arbetsmarknadsenheten Bräcke", "Alla deltagare i Bräcke kommun: nyanlända, unga och långtidsarbetslösa."),
    coordinator=DemoLogin("koordinator-bracke", "Maria", "Jonsson"),
    manager=DemoLogin("chef-bracke", "Per", "Hallberg"),
    participants=32,
    district_weights={"Bräcke": 10, "Gällö": 5, "Kälarne": 4, "Pilgrimstad": 3},
    school="SFI Bräcke",
    employers=EmployerFacts(
        organisations=[
            _department("vof", "Bräcke kommun, vård och omsorg", BRACKE_NUMBER, "bracke.example"),
            _department("buf", "Bräcke kommun, barn och utbildning", BRACKE_NUMBER, "bracke.example"),
            _department("teknik", "Bräcke kommun, teknisk service", BRACKE_NUMBER, "bracke.example"),
            OrganisationSpec(
                "tra",
                "Gällö Trä och Montage AB",
                "company",
                "",
                "gallotra.example",
                ("Snickeri och underhåll i kommunens lokaler", "TRA", 1),
            ),
            OrganisationSpec("bageri", "Pilgrimstads Bageri AB", "company", "", "pilgrimstadsbageri.example"),
        ],
        workplaces=[
            ("vof", "Bräckegårdens vård- och omsorgsboende", "care_home", "Bräcke", "Storgatan 30"),
            ("vof", "Kälarne äldreboende", "care_home", "Kälarne", "Kyrkvägen 5"),
            ("vof", "Hemtjänst Bräcke", "home_care", "Bräcke", "Sundsvallsvägen 8"),
            ("buf", "Gällö förskola", "preschool", "Gällö", "Skolvägen 2"),
            ("buf", "Bräcke skolkök", "school_kitchen", "Bräcke", "Skolgatan 4"),
            ("teknik", "Teknisk service Bräcke", "service_group", "Bräcke", "Industrivägen 3"),
            ("tra", "Gällö Trä, verkstaden", "carpentry", "Gällö", "Sågvägen 11"),
            ("bageri", "Pilgrimstads Bageri", "bakery", "Pilgrimstad", "Bygatan 6"),
        ],
        districts=[
            ("Bräcke", "62.75060", "15.42030", "Bräcke", "843 31"),
            ("Gällö", "62.91900", "15.23000", "Gällö", "845 31"),
            ("Kälarne", "62.98300", "16.08000", "Kälarne", "844 71"),
            ("Pilgrimstad", "62.95800", "15.04400", "Pilgrimstad", "845 50"),
        ],
    ),
    regional_needs=True,
)

RAGUNDA = SmallMunicipality(
    code="2303",
    name="Ragunda kommun",
    letterhead={
        "unit": "Arbete och integration",
        "address": "Box 1, 840 70 Hammarstrand",
        "phone": "0696-68 20 00",
        "email": "arbete@ragunda.example",
        "web": "ragunda.example",
    },
    domain="ragunda.example",
    team=("Arbete och integration Ragunda", "Alla deltagare i Ragunda kommun, från anvisning till arbete."),
    coordinator=DemoLogin("koordinator-ragunda", "Elin", "Strömberg"),
    manager=DemoLogin("chef-ragunda", "Olof", "Persson"),
    participants=23,
    district_weights={"Hammarstrand": 9, "Stugun": 5, "Bispgården": 5},
    school="SFI Ragunda",
    employers=EmployerFacts(
        organisations=[
            _department("vof", "Ragunda kommun, vård och omsorg", RAGUNDA_NUMBER, "ragunda.example"),
            _department("buf", "Ragunda kommun, barn och utbildning", RAGUNDA_NUMBER, "ragunda.example"),
            _department("kultur", "Ragunda kommun, kultur och fritid", RAGUNDA_NUMBER, "ragunda.example"),
            OrganisationSpec(
                "fastighet",
                "Indalsälvens Fastighetsservice AB",
                "company",
                "",
                "indalsfast.example",
                ("Fastighetsskötsel i kommunens bostäder", "FAST", 1),
            ),
            OrganisationSpec("stad", "Stugu Städ AB", "company", "", "stugustad.example"),
        ],
        workplaces=[
            ("vof", "Hammarstrands vård- och omsorgsboende", "care_home", "Hammarstrand", "Vårdvägen 4"),
            ("vof", "Hemtjänst Bispgården", "home_care", "Bispgården", "Stationsvägen 10"),
            ("buf", "Stuguns förskola", "preschool", "Stugun", "Skolvägen 9"),
            ("buf", "Hammarstrands skola", "school", "Hammarstrand", "Skolgatan 1"),
            ("kultur", "Ragunda bibliotek", "library", "Hammarstrand", "Centralgatan 7"),
            ("fastighet", "Fastighetsservice Hammarstrand", "property", "Hammarstrand", "Industrigatan 2"),
            ("stad", "Lokalvård Ragunda", "cleaning", "Bispgården", "Storvägen 15"),
        ],
        districts=[
            ("Hammarstrand", "63.10500", "16.34600", "Hammarstrand", "840 70"),
            ("Stugun", "63.16800", "15.60100", "Stugun", "840 50"),
            ("Bispgården", "63.02700", "16.62900", "Bispgården", "840 73"),
        ],
    ),
)

SMALL_MUNICIPALITIES: tuple[SmallMunicipality, ...] = (BRACKE, RAGUNDA)
SMALL_PARTICIPANTS = sum(small.participants for small in SMALL_MUNICIPALITIES)
