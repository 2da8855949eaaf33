"""The words and shares the generator draws from: categories, places, statuses, review texts.

Shares are the published aggregate figures of the Olist dataset (counts at scale 1); places are real
Brazilian cities with approximate coordinates and zip-prefix ranges; review texts are written here.
"""

from __future__ import annotations

from typing import NamedTuple


class Category(NamedTuple):
    """A product category, its English name (None: missing from the translation file), its products."""

    name: str
    english: str | None
    products: int


class City(NamedTuple):
    """A city: unaccented and accented spellings, state, zip-prefix range, centre, relative weight."""

    name: str
    accented: str
    state: str
    zip_low: int
    zip_high: int
    lat: float
    lng: float
    weight: float


class MessyCity(NamedTuple):
    """A seller city as typed by hand, and the city it stands for."""

    text: str
    city: str


CATEGORIES: tuple[Category, ...] = (
    Category("cama_mesa_banho", "bed_bath_table", 3029),
    Category("esporte_lazer", "sports_leisure", 2867),
    Category("moveis_decoracao", "furniture_decor", 2657),
    Category("beleza_saude", "health_beauty", 2444),
    Category("utilidades_domesticas", "housewares", 2335),
    Category("automotivo", "auto", 1900),
    Category("informatica_acessorios", "computers_accessories", 1639),
    Category("brinquedos", "toys", 1411),
    Category("relogios_presentes", "watches_gifts", 1329),
    Category("telefonia", "telephony", 1134),
    Category("bebes", "baby", 919),
    Category("perfumaria", "perfumery", 868),
    Category("papelaria", "stationery", 849),
    Category("fashion_bolsas_e_acessorios", "fashion_bags_accessories", 849),
    Category("cool_stuff", "cool_stuff", 789),
    Category("ferramentas_jardim", "garden_tools", 753),
    Category("pet_shop", "pet_shop", 719),
    Category("eletronicos", "electronics", 517),
    Category("construcao_ferramentas_construcao", "construction_tools_construction", 400),
    Category("eletrodomesticos", "home_appliances", 370),
    Category("malas_acessorios", "luggage_accessories", 349),
    Category("consoles_games", "consoles_games", 317),
    Category("moveis_escritorio", "office_furniture", 309),
    Category("instrumentos_musicais", "musical_instruments", 289),
    Category("eletroportateis", "small_appliances", 231),
    Category("casa_construcao", "home_construction", 225),
    Category("livros_interesse_geral", "books_general_interest", 216),
    Category("fashion_calcados", "fashion_shoes", 173),
    Category("moveis_sala", "furniture_living_room", 156),
    Category("climatizacao", "air_conditioning", 124),
    Category("livros_tecnicos", "books_technical", 123),
    Category("telefonia_fixa", "fixed_telephony", 116),
    Category("casa_conforto", "home_confort", 111),
    Category("market_place", "market_place", 104),
    Category("alimentos_bebidas", "food_drink", 104),
    Category("fashion_roupa_masculina", "fashion_male_clothing", 95),
    Category(
        "moveis_cozinha_area_de_servico_jantar_e_jardim",
        "kitchen_dining_laundry_garden_furniture",
        94,
    ),
    Category("sinalizacao_e_seguranca", "signaling_and_security", 93),
    Category("construcao_ferramentas_seguranca", "construction_tools_safety", 91),
    Category("eletrodomesticos_2", "home_appliances_2", 90),
    Category("construcao_ferramentas_jardim", "costruction_tools_garden", 88),
    Category("alimentos", "food", 82),
    Category("bebidas", "drinks", 81),
    Category("construcao_ferramentas_iluminacao", "construction_tools_lights", 78),
    Category("agro_industria_e_comercio", "agro_industry_and_commerce", 74),
    Category("industria_comercio_e_negocios", "industry_commerce_and_business", 68),
    Category("artigos_de_natal", "christmas_supplies", 65),
    Category("audio", "audio", 58),
    Category("artes", "art", 55),
    Category("fashion_underwear_e_moda_praia", "fashion_underwear_beach", 53),
    Category("dvds_blu_ray", "dvds_blu_ray", 48),
    Category("moveis_quarto", "furniture_bedroom", 45),
    Category("construcao_ferramentas_ferramentas", "costruction_tools_tools", 39),
    Category("livros_importados", "books_imported", 31),
    Category("portateis_casa_forno_e_cafe", "small_appliances_home_oven_and_coffee", 31),
    Category("pcs", "computers", 30),
    Category("cine_foto", "cine_photo", 28),
    Category("fashion_roupa_feminina", "fashio_female_clothing", 27),
    Category("musica", "music", 27),
    Category("artigos_de_festas", "party_supplies", 26),
    Category("fashion_esporte", "fashion_sport", 19),
    Category("artes_e_artesanato", "arts_and_craftmanship", 19),
    Category("flores", "flowers", 14),
    Category("fraldas_higiene", "diapers_and_hygiene", 12),
    Category("la_cuisine", "la_cuisine", 10),
    Category("portateis_cozinha_e_preparadores_de_alimentos", None, 10),
    Category("moveis_colchao_e_estofado", "furniture_mattress_and_upholstery", 10),
    Category("tablets_impressao_imagem", "tablets_printing_image", 9),
    Category("fashion_roupa_infanto_juvenil", "fashion_childrens_clothes", 5),
    Category("casa_conforto_2", "home_comfort_2", 5),
    Category("pc_gamer", None, 3),
    Category("seguros_e_servicos", "security_and_services", 2),
    Category("cds_dvds_musicais", "cds_dvds_musicals", 1),
)

# Customers (people's orders) and sellers per state at scale 1.
CUSTOMER_STATES: dict[str, int] = {
    "SP": 41746, "RJ": 12852, "MG": 11635, "RS": 5466, "PR": 5045, "SC": 3637, "BA": 3380,
    "DF": 2140, "ES": 2033, "GO": 2020, "PE": 1652, "CE": 1336, "PA": 975, "MT": 907, "MA": 747,
    "MS": 715, "PB": 536, "PI": 495, "RN": 485, "AL": 413, "SE": 350, "TO": 280, "RO": 253,
    "AM": 148, "AC": 81, "AP": 68, "RR": 46,
}  # fmt: skip
SELLER_STATES: dict[str, int] = {
    "SP": 1849, "PR": 349, "MG": 244, "SC": 190, "RJ": 171, "RS": 129, "GO": 40, "DF": 30,
    "ES": 23, "BA": 19, "CE": 13, "PE": 9, "PB": 6, "RN": 5, "MS": 5, "MT": 4, "RO": 2, "SE": 2,
    "AC": 1, "PI": 1, "MA": 1, "AM": 1, "PA": 1,
}  # fmt: skip

# Within a state, a city's weight is its relative share of customers (and of sellers).
CITIES: tuple[City, ...] = (
    City("sao paulo", "são paulo", "SP", 1000, 5999, -23.55, -46.63, 15540),
    City("osasco", "osasco", "SP", 6000, 6299, -23.53, -46.79, 746),
    City("carapicuiba", "carapicuíba", "SP", 6300, 6399, -23.52, -46.84, 245),
    City("barueri", "barueri", "SP", 6400, 6499, -23.51, -46.88, 433),
    City("santana de parnaiba", "santana de parnaíba", "SP", 6500, 6549, -23.44, -46.92, 160),
    City("cotia", "cotia", "SP", 6700, 6729, -23.60, -46.92, 220),
    City("taboao da serra", "taboão da serra", "SP", 6750, 6799, -23.61, -46.78, 200),
    City("embu das artes", "embu das artes", "SP", 6800, 6849, -23.65, -46.85, 120),
    City("guarulhos", "guarulhos", "SP", 7000, 7399, -23.45, -46.53, 1189),
    City("aruja", "arujá", "SP", 7400, 7499, -23.40, -46.32, 90),
    City("sao paulo", "são paulo", "SP", 8000, 8499, -23.55, -46.45, 2400),
    City("itaquaquecetuba", "itaquaquecetuba", "SP", 8570, 8599, -23.49, -46.35, 150),
    City("suzano", "suzano", "SP", 8600, 8699, -23.54, -46.31, 220),
    City("mogi das cruzes", "mogi das cruzes", "SP", 8700, 8899, -23.52, -46.19, 383),
    City("santo andre", "santo andré", "SP", 9000, 9299, -23.66, -46.53, 797),
    City("maua", "mauá", "SP", 9300, 9399, -23.67, -46.46, 240),
    City("sao caetano do sul", "são caetano do sul", "SP", 9500, 9599, -23.62, -46.57, 330),
    City("sao bernardo do campo", "são bernardo do campo", "SP", 9600, 9899, -23.69, -46.56, 938),
    City("diadema", "diadema", "SP", 9900, 9999, -23.69, -46.62, 250),
    City("santos", "santos", "SP", 11000, 11099, -23.96, -46.33, 1711),
    City("sao vicente", "são vicente", "SP", 11300, 11399, -23.96, -46.39, 576),
    City("guaruja", "guarujá", "SP", 11400, 11499, -23.99, -46.26, 432),
    City("praia grande", "praia grande", "SP", 11700, 11729, -24.01, -46.41, 624),
    City("taubate", "taubaté", "SP", 12000, 12119, -23.03, -45.56, 576),
    City("sao jose dos campos", "são josé dos campos", "SP", 12200, 12248, -23.18, -45.89, 1658),
    City("jacarei", "jacareí", "SP", 12300, 12349, -23.31, -45.97, 456),
    City("braganca paulista", "bragança paulista", "SP", 12900, 12929, -22.95, -46.54, 360),
    City("atibaia", "atibaia", "SP", 12940, 12954, -23.12, -46.55, 312),
    City("campinas", "campinas", "SP", 13000, 13149, -22.91, -47.06, 3466),
    City("sumare", "sumaré", "SP", 13170, 13182, -22.82, -47.27, 384),
    City("hortolandia", "hortolândia", "SP", 13183, 13189, -22.86, -47.22, 288),
    City("jundiai", "jundiaí", "SP", 13200, 13219, -23.19, -46.88, 1356),
    City("valinhos", "valinhos", "SP", 13270, 13279, -22.97, -47.00, 384),
    City("itu", "itu", "SP", 13300, 13314, -23.26, -47.30, 312),
    City("indaiatuba", "indaiatuba", "SP", 13330, 13349, -23.09, -47.22, 576),
    City("piracicaba", "piracicaba", "SP", 13400, 13429, -22.73, -47.65, 792),
    City("santa barbara d'oeste", "santa bárbara d'oeste", "SP", 13450, 13459, -22.75, -47.41, 216),
    City("americana", "americana", "SP", 13465, 13479, -22.74, -47.33, 432),
    City("limeira", "limeira", "SP", 13480, 13489, -22.56, -47.40, 480),
    City("sao carlos", "são carlos", "SP", 13560, 13579, -22.02, -47.89, 528),
    City("mogi guacu", "mogi guaçu", "SP", 13840, 13849, -22.37, -46.94, 264),
    City("ribeirao preto", "ribeirão preto", "SP", 14000, 14114, -21.18, -47.81, 1224),
    City("franca", "franca", "SP", 14400, 14414, -20.54, -47.40, 432),
    City("barretos", "barretos", "SP", 14780, 14789, -20.56, -48.57, 192),
    City("araraquara", "araraquara", "SP", 14800, 14811, -21.79, -48.18, 408),
    City("ibitinga", "ibitinga", "SP", 14940, 14949, -21.76, -48.83, 96),
    City("sao jose do rio preto", "são josé do rio preto", "SP", 15000, 15099, -20.82, -49.38, 792),
    City("catanduva", "catanduva", "SP", 15800, 15809, -21.14, -48.97, 192),
    City("aracatuba", "araçatuba", "SP", 16000, 16129, -21.21, -50.43, 312),
    City("bauru", "bauru", "SP", 17000, 17109, -22.31, -49.06, 624),
    City("marilia", "marília", "SP", 17500, 17529, -22.21, -49.95, 360),
    City("sorocaba", "sorocaba", "SP", 18000, 18109, -23.50, -47.46, 1519),
    City("botucatu", "botucatu", "SP", 18600, 18619, -22.89, -48.44, 216),
    City("presidente prudente", "presidente prudente", "SP", 19000, 19069, -22.12, -51.39, 360),
    City("rio de janeiro", "rio de janeiro", "RJ", 20000, 23799, -22.91, -43.21, 6882),
    City("niteroi", "niterói", "RJ", 24000, 24399, -22.88, -43.10, 849),
    City("sao goncalo", "são gonçalo", "RJ", 24400, 24799, -22.83, -43.05, 381),
    City("duque de caxias", "duque de caxias", "RJ", 25000, 25299, -22.79, -43.31, 300),
    City("sao joao de meriti", "são joão de meriti", "RJ", 25500, 25599, -22.80, -43.37, 160),
    City("petropolis", "petrópolis", "RJ", 25600, 25779, -22.51, -43.18, 200),
    City("teresopolis", "teresópolis", "RJ", 25950, 25999, -22.41, -42.97, 120),
    City("nova iguacu", "nova iguaçu", "RJ", 26000, 26099, -22.76, -43.45, 435),
    City("belford roxo", "belford roxo", "RJ", 26100, 26199, -22.76, -43.40, 150),
    City("volta redonda", "volta redonda", "RJ", 27200, 27299, -22.52, -44.10, 200),
    City("macae", "macaé", "RJ", 27900, 27999, -22.37, -41.79, 160),
    City("campos dos goytacazes", "campos dos goytacazes", "RJ", 28000, 28099, -21.75, -41.32, 200),
    City("nova friburgo", "nova friburgo", "RJ", 28600, 28639, -22.28, -42.53, 110),
    City("cabo frio", "cabo frio", "RJ", 28900, 28929, -22.88, -42.02, 130),
    City("vitoria", "vitória", "ES", 29000, 29099, -20.32, -40.34, 379),
    City("vila velha", "vila velha", "ES", 29100, 29129, -20.33, -40.29, 390),
    City("cariacica", "cariacica", "ES", 29140, 29159, -20.26, -40.42, 160),
    City("serra", "serra", "ES", 29160, 29184, -20.13, -40.31, 300),
    City("guarapari", "guarapari", "ES", 29200, 29229, -20.67, -40.50, 80),
    City("cachoeiro de itapemirim", "cachoeiro de itapemirim", "ES", 29300, 29314, -20.85, -41.11, 90),
    City("linhares", "linhares", "ES", 29900, 29914, -19.39, -40.07, 70),
    City("belo horizonte", "belo horizonte", "MG", 30000, 31999, -19.92, -43.94, 2773),
    City("contagem", "contagem", "MG", 32000, 32399, -19.93, -44.05, 424),
    City("betim", "betim", "MG", 32600, 32699, -19.97, -44.20, 200),
    City("nova lima", "nova lima", "MG", 34000, 34019, -19.99, -43.85, 120),
    City("governador valadares", "governador valadares", "MG", 35000, 35099, -18.85, -41.95, 150),
    City("ipatinga", "ipatinga", "MG", 35160, 35164, -19.47, -42.54, 140),
    City("divinopolis", "divinópolis", "MG", 35500, 35504, -20.14, -44.89, 160),
    City("sete lagoas", "sete lagoas", "MG", 35700, 35704, -19.46, -44.25, 130),
    City("juiz de fora", "juiz de fora", "MG", 36000, 36099, -21.76, -43.35, 427),
    City("varginha", "varginha", "MG", 37000, 37069, -21.55, -45.43, 110),
    City("pouso alegre", "pouso alegre", "MG", 37550, 37559, -22.23, -45.94, 110),
    City("pocos de caldas", "poços de caldas", "MG", 37700, 37719, -21.79, -46.56, 130),
    City("uberaba", "uberaba", "MG", 38000, 38099, -19.75, -47.93, 220),
    City("uberlandia", "uberlândia", "MG", 38400, 38414, -18.92, -48.28, 400),
    City("patos de minas", "patos de minas", "MG", 38700, 38709, -18.58, -46.52, 90),
    City("montes claros", "montes claros", "MG", 39400, 39409, -16.73, -43.86, 200),
    City("salvador", "salvador", "BA", 40000, 42599, -12.97, -38.50, 1245),
    City("lauro de freitas", "lauro de freitas", "BA", 42700, 42739, -12.89, -38.33, 160),
    City("camacari", "camaçari", "BA", 42800, 42849, -12.70, -38.32, 110),
    City("feira de santana", "feira de santana", "BA", 44000, 44099, -12.27, -38.97, 230),
    City("vitoria da conquista", "vitória da conquista", "BA", 45000, 45099, -14.86, -40.84, 150),
    City("itabuna", "itabuna", "BA", 45600, 45629, -14.79, -39.28, 90),
    City("ilheus", "ilhéus", "BA", 45650, 45669, -14.79, -39.05, 80),
    City("porto seguro", "porto seguro", "BA", 45810, 45819, -16.45, -39.06, 70),
    City("barreiras", "barreiras", "BA", 47800, 47809, -12.15, -45.00, 60),
    City("juazeiro", "juazeiro", "BA", 48900, 48909, -9.41, -40.50, 70),
    City("aracaju", "aracaju", "SE", 49000, 49098, -10.91, -37.07, 250),
    City("nossa senhora do socorro", "nossa senhora do socorro", "SE", 49160, 49169, -10.85, -37.13, 40),
    City("lagarto", "lagarto", "SE", 49400, 49409, -10.92, -37.65, 20),
    City("recife", "recife", "PE", 50000, 52999, -8.05, -34.88, 613),
    City("olinda", "olinda", "PE", 53000, 53399, -8.01, -34.86, 120),
    City("paulista", "paulista", "PE", 53400, 53499, -7.94, -34.87, 80),
    City("jaboatao dos guararapes", "jaboatão dos guararapes", "PE", 54000, 54099, -8.11, -35.01, 170),
    City("cabo de santo agostinho", "cabo de santo agostinho", "PE", 54500, 54599, -8.29, -35.03, 50),
    City("caruaru", "caruaru", "PE", 55000, 55099, -8.28, -35.98, 90),
    City("petrolina", "petrolina", "PE", 56300, 56339, -9.39, -40.50, 90),
    City("maceio", "maceió", "AL", 57000, 57099, -9.67, -35.74, 280),
    City("rio largo", "rio largo", "AL", 57100, 57109, -9.48, -35.85, 20),
    City("arapiraca", "arapiraca", "AL", 57300, 57319, -9.75, -36.66, 50),
    City("joao pessoa", "joão pessoa", "PB", 58000, 58099, -7.12, -34.86, 290),
    City("santa rita", "santa rita", "PB", 58300, 58309, -7.11, -34.98, 30),
    City("campina grande", "campina grande", "PB", 58400, 58499, -7.23, -35.88, 120),
    City("patos", "patos", "PB", 58700, 58709, -7.02, -37.28, 30),
    City("natal", "natal", "RN", 59000, 59139, -5.79, -35.21, 300),
    City("parnamirim", "parnamirim", "RN", 59140, 59159, -5.92, -35.26, 70),
    City("mossoro", "mossoró", "RN", 59600, 59649, -5.19, -37.34, 60),
    City("fortaleza", "fortaleza", "CE", 60000, 61599, -3.73, -38.53, 654),
    City("caucaia", "caucaia", "CE", 61600, 61659, -3.74, -38.66, 60),
    City("maracanau", "maracanaú", "CE", 61900, 61939, -3.87, -38.63, 50),
    City("sobral", "sobral", "CE", 62000, 62049, -3.69, -40.35, 50),
    City("juazeiro do norte", "juazeiro do norte", "CE", 63000, 63059, -7.21, -39.32, 70),
    City("crato", "crato", "CE", 63100, 63139, -7.23, -39.41, 30),
    City("teresina", "teresina", "PI", 64000, 64099, -5.09, -42.80, 280),
    City("parnaiba", "parnaíba", "PI", 64200, 64219, -2.90, -41.78, 40),
    City("picos", "picos", "PI", 64600, 64609, -7.08, -41.47, 30),
    City("sao luis", "são luís", "MA", 65000, 65109, -2.53, -44.30, 350),
    City("caxias", "caxias", "MA", 65600, 65609, -4.86, -43.36, 30),
    City("timon", "timon", "MA", 65630, 65639, -5.09, -42.84, 30),
    City("imperatriz", "imperatriz", "MA", 65900, 65919, -5.53, -47.48, 80),
    City("belem", "belém", "PA", 66000, 66999, -1.46, -48.49, 445),
    City("ananindeua", "ananindeua", "PA", 67000, 67199, -1.37, -48.37, 110),
    City("santarem", "santarém", "PA", 68000, 68109, -2.44, -54.71, 60),
    City("maraba", "marabá", "PA", 68500, 68519, -5.37, -49.12, 60),
    City("castanhal", "castanhal", "PA", 68740, 68749, -1.30, -47.92, 40),
    City("macapa", "macapá", "AP", 68900, 68924, 0.03, -51.07, 55),
    City("santana", "santana", "AP", 68925, 68929, -0.06, -51.17, 10),
    City("manaus", "manaus", "AM", 69000, 69099, -3.12, -60.02, 130),
    City("itacoatiara", "itacoatiara", "AM", 69100, 69109, -3.14, -58.44, 8),
    City("parintins", "parintins", "AM", 69150, 69159, -2.63, -56.74, 6),
    City("boa vista", "boa vista", "RR", 69300, 69339, 2.82, -60.67, 46),
    City("rio branco", "rio branco", "AC", 69900, 69924, -9.97, -67.81, 70),
    City("cruzeiro do sul", "cruzeiro do sul", "AC", 69980, 69984, -7.63, -72.67, 10),
    City("brasilia", "brasília", "DF", 70000, 71999, -15.79, -47.88, 2131),
    City("taguatinga", "taguatinga", "DF", 72000, 72199, -15.83, -48.06, 40),
    City("ceilandia", "ceilândia", "DF", 72200, 72299, -15.82, -48.11, 20),
    City("samambaia", "samambaia", "DF", 72300, 72399, -15.88, -48.09, 15),
    City("gama", "gama", "DF", 72400, 72499, -16.02, -48.06, 15),
    City("sobradinho", "sobradinho", "DF", 73000, 73099, -15.65, -47.79, 15),
    City("planaltina", "planaltina", "DF", 73300, 73399, -15.62, -47.65, 10),
    City("luziania", "luziânia", "GO", 72800, 72869, -16.25, -47.95, 60),
    City("valparaiso de goias", "valparaíso de goiás", "GO", 72870, 72879, -16.07, -47.98, 60),
    City("goiania", "goiânia", "GO", 74000, 74899, -16.68, -49.25, 692),
    City("aparecida de goiania", "aparecida de goiânia", "GO", 74900, 74999, -16.82, -49.24, 180),
    City("anapolis", "anápolis", "GO", 75000, 75149, -16.33, -48.95, 150),
    City("catalao", "catalão", "GO", 75700, 75709, -18.17, -47.94, 40),
    City("jatai", "jataí", "GO", 75800, 75809, -17.88, -51.72, 40),
    City("rio verde", "rio verde", "GO", 75900, 75909, -17.80, -50.93, 70),
    City("porto velho", "porto velho", "RO", 76800, 76834, -8.76, -63.90, 120),
    City("ariquemes", "ariquemes", "RO", 76870, 76879, -9.91, -63.04, 30),
    City("ji-parana", "ji-paraná", "RO", 76900, 76919, -10.88, -61.95, 40),
    City("vilhena", "vilhena", "RO", 76980, 76999, -12.74, -60.15, 30),
    City("palmas", "palmas", "TO", 77000, 77299, -10.18, -48.33, 150),
    City("gurupi", "gurupi", "TO", 77400, 77439, -11.73, -49.07, 40),
    City("araguaina", "araguaína", "TO", 77800, 77829, -7.19, -48.21, 60),
    City("cuiaba", "cuiabá", "MT", 78000, 78099, -15.60, -56.10, 400),
    City("varzea grande", "várzea grande", "MT", 78100, 78159, -15.65, -56.13, 120),
    City("tangara da serra", "tangará da serra", "MT", 78300, 78309, -14.62, -57.49, 40),
    City("sinop", "sinop", "MT", 78550, 78559, -11.86, -55.51, 70),
    City("rondonopolis", "rondonópolis", "MT", 78700, 78749, -16.47, -54.64, 90),
    City("campo grande", "campo grande", "MS", 79000, 79129, -20.47, -54.62, 450),
    City("corumba", "corumbá", "MS", 79300, 79339, -19.01, -57.65, 30),
    City("tres lagoas", "três lagoas", "MS", 79600, 79649, -20.79, -51.70, 50),
    City("dourados", "dourados", "MS", 79800, 79849, -22.22, -54.81, 90),
    City("curitiba", "curitiba", "PR", 80000, 82999, -25.43, -49.27, 1521),
    City("sao jose dos pinhais", "são josé dos pinhais", "PR", 83000, 83199, -25.53, -49.21, 200),
    City("pinhais", "pinhais", "PR", 83320, 83349, -25.44, -49.19, 80),
    City("colombo", "colombo", "PR", 83400, 83414, -25.29, -49.22, 100),
    City("ponta grossa", "ponta grossa", "PR", 84000, 84099, -25.09, -50.16, 200),
    City("guarapuava", "guarapuava", "PR", 85000, 85109, -25.39, -51.46, 90),
    City("cascavel", "cascavel", "PR", 85800, 85829, -24.96, -53.46, 180),
    City("foz do iguacu", "foz do iguaçu", "PR", 85850, 85869, -25.55, -54.59, 150),
    City("toledo", "toledo", "PR", 85900, 85919, -24.72, -53.74, 80),
    City("londrina", "londrina", "PR", 86000, 86099, -23.31, -51.16, 400),
    City("arapongas", "arapongas", "PR", 86700, 86709, -23.42, -51.42, 60),
    City("apucarana", "apucarana", "PR", 86800, 86819, -23.55, -51.46, 60),
    City("maringa", "maringá", "PR", 87000, 87099, -23.42, -51.94, 300),
    City("campo mourao", "campo mourão", "PR", 87300, 87309, -24.05, -52.38, 50),
    City("umuarama", "umuarama", "PR", 87500, 87509, -23.77, -53.32, 50),
    City("florianopolis", "florianópolis", "SC", 88000, 88099, -27.60, -48.55, 570),
    City("sao jose", "são josé", "SC", 88100, 88124, -27.61, -48.63, 220),
    City("palhoca", "palhoça", "SC", 88130, 88139, -27.64, -48.67, 130),
    City("itajai", "itajaí", "SC", 88300, 88319, -26.91, -48.66, 170),
    City("balneario camboriu", "balneário camboriú", "SC", 88330, 88339, -26.99, -48.63, 170),
    City("brusque", "brusque", "SC", 88350, 88359, -27.10, -48.92, 90),
    City("lages", "lages", "SC", 88500, 88529, -27.82, -50.33, 80),
    City("tubarao", "tubarão", "SC", 88700, 88709, -28.47, -49.01, 70),
    City("criciuma", "criciúma", "SC", 88800, 88819, -28.68, -49.37, 150),
    City("blumenau", "blumenau", "SC", 89000, 89099, -26.92, -49.07, 300),
    City("joinville", "joinville", "SC", 89200, 89239, -26.30, -48.85, 400),
    City("jaragua do sul", "jaraguá do sul", "SC", 89250, 89269, -26.49, -49.07, 120),
    City("chapeco", "chapecó", "SC", 89800, 89819, -27.10, -52.62, 130),
    City("sao miguel do oeste", "são miguel do oeste", "SC", 89900, 89909, -26.73, -53.52, 30),
    City("porto alegre", "porto alegre", "RS", 90000, 91999, -30.03, -51.23, 1379),
    City("canoas", "canoas", "RS", 92000, 92499, -29.92, -51.18, 300),
    City("sao leopoldo", "são leopoldo", "RS", 93000, 93179, -29.76, -51.15, 150),
    City("novo hamburgo", "novo hamburgo", "RS", 93300, 93599, -29.68, -51.13, 200),
    City("gravatai", "gravataí", "RS", 94000, 94199, -29.94, -50.99, 150),
    City("viamao", "viamão", "RS", 94400, 94499, -30.08, -51.02, 100),
    City("cachoeirinha", "cachoeirinha", "RS", 94900, 94999, -29.95, -51.09, 80),
    City("caxias do sul", "caxias do sul", "RS", 95000, 95099, -29.17, -51.18, 350),
    City("bento goncalves", "bento gonçalves", "RS", 95700, 95709, -29.17, -51.52, 80),
    City("pelotas", "pelotas", "RS", 96000, 96099, -31.77, -52.34, 200),
    City("rio grande", "rio grande", "RS", 96200, 96219, -32.04, -52.10, 80),
    City("santa cruz do sul", "santa cruz do sul", "RS", 96800, 96839, -29.72, -52.43, 90),
    City("santa maria", "santa maria", "RS", 97000, 97119, -29.68, -53.81, 200),
    City("passo fundo", "passo fundo", "RS", 99000, 99099, -28.26, -52.41, 150),
    City("erechim", "erechim", "RS", 99700, 99709, -27.63, -52.27, 60),
)  # fmt: skip

# Seller cities as typed in the real file, the first four named in the issue.
MESSY_SELLER_CITIES: tuple[MessyCity, ...] = (
    MessyCity("04482255", "rio de janeiro"),
    MessyCity("sbc/sp", "sao bernardo do campo"),
    MessyCity("rio de janeiro \\rio de janeiro", "rio de janeiro"),
    MessyCity("novo hamburgo, rio grande do sul, brasil", "novo hamburgo"),
    MessyCity("são paulo", "sao paulo"),
    MessyCity("santa barbara d´oeste", "santa barbara d'oeste"),
    MessyCity("sao paulo - sp", "sao paulo"),
    MessyCity("rio de janeiro, rio de janeiro, brasil", "rio de janeiro"),
    MessyCity("santo andre/sao paulo", "santo andre"),
    MessyCity("mogi das cruzes / sp", "mogi das cruzes"),
    MessyCity("pinhais/pr", "pinhais"),
    MessyCity("lages - sc", "lages"),
    MessyCity("cariacica / es", "cariacica"),
    MessyCity("sao miguel d'oeste", "sao miguel do oeste"),
    MessyCity("santa barbara d oeste", "santa barbara d'oeste"),
    MessyCity("sp / sp", "sao paulo"),
    MessyCity("ribeirao preto / sao paulo", "ribeirao preto"),
    MessyCity("maua/sao paulo", "maua"),
    MessyCity("jacarei / sao paulo", "jacarei"),
    MessyCity("carapicuiba / sao paulo", "carapicuiba"),
    MessyCity("vendas@creditparts.com.br", "maringa"),
    MessyCity("brasilia df", "brasilia"),
    MessyCity("sbc", "sao bernardo do campo"),
    MessyCity("sao paulo / sao paulo", "sao paulo"),
    MessyCity("rio de janeiro / rio de janeiro", "rio de janeiro"),
    MessyCity("sao paulo - sp", "sao paulo"),
    MessyCity("são paulo", "sao paulo"),
    MessyCity("sbc/sp", "sao bernardo do campo"),
)
MESSY_SELLER_CITIES_AT_SCALE_1 = len(MESSY_SELLER_CITIES)

ORDER_STATUSES: dict[str, int] = {
    "delivered": 96478, "shipped": 1107, "canceled": 625, "unavailable": 609, "invoiced": 314,
    "processing": 301, "created": 5, "approved": 2,
}  # fmt: skip

# Orders per purchase month: the platform's growth, Black Friday 2017, the tail of 2018.
ORDERS_PER_MONTH: dict[str, int] = {
    "2016-09": 4, "2016-10": 324, "2016-12": 1, "2017-01": 800, "2017-02": 1780, "2017-03": 2682,
    "2017-04": 2404, "2017-05": 3700, "2017-06": 3245, "2017-07": 4026, "2017-08": 4331,
    "2017-09": 4285, "2017-10": 4631, "2017-11": 7544, "2017-12": 5673, "2018-01": 7269,
    "2018-02": 6728, "2018-03": 7211, "2018-04": 6939, "2018-05": 6873, "2018-06": 6167,
    "2018-07": 6292, "2018-08": 6512, "2018-09": 16, "2018-10": 4,
}  # fmt: skip

ORDERS_PER_HOUR: tuple[int, ...] = (
    2394, 1170, 510, 272, 206, 188, 502, 1231, 2967, 4785, 6177, 6578,
    5995, 6518, 6569, 6454, 6675, 6150, 5769, 5982, 6193, 6217, 5816, 4123,
)  # fmt: skip

ITEMS_PER_ORDER: dict[int, int] = {
    1: 88863, 2: 7516, 3: 1322, 4: 505, 5: 204, 6: 198, 7: 22, 8: 8, 9: 3, 10: 8, 11: 4,
    12: 5, 13: 1, 14: 2, 15: 2, 20: 2, 21: 1,
}  # fmt: skip

PAYMENTS_PER_ORDER: dict[int, int] = {
    1: 96479, 2: 2382, 3: 301, 4: 108, 5: 52, 6: 36, 7: 28, 8: 11, 9: 9, 10: 5, 11: 8, 12: 8,
    13: 3, 14: 2, 15: 2, 19: 2, 21: 1, 22: 1, 26: 1, 29: 1,
}  # fmt: skip

# Payment type of an order paid at once; of the split ones, most mix vouchers with a card.
SINGLE_PAYMENT_TYPES: dict[str, float] = {
    "credit_card": 0.7667, "boleto": 0.2051, "debit_card": 0.0158, "voucher": 0.0124,
}  # fmt: skip
SPLIT_PAYMENT_ENDINGS: dict[str, float] = {"credit_card": 0.78, "voucher": 0.15, "split_card": 0.07}

CREDIT_CARD_INSTALLMENTS: dict[int, int] = {
    1: 25455, 2: 12413, 3: 10461, 4: 7098, 5: 5239, 6: 3920, 7: 1626, 8: 4268, 9: 644,
    10: 5328, 11: 23, 12: 133, 13: 16, 14: 15, 15: 74, 16: 5, 17: 8, 18: 27, 20: 17, 21: 3,
    22: 1, 23: 1, 24: 18,
}  # fmt: skip

PHOTOS_PER_PRODUCT: dict[int, int] = {
    1: 16489, 2: 6263, 3: 3860, 4: 2428, 5: 1484, 6: 968, 7: 343, 8: 192, 9: 105, 10: 95,
    11: 46, 12: 35, 13: 9, 14: 5, 15: 8, 17: 7, 18: 2, 19: 1, 20: 1,
}  # fmt: skip

# Review scores by how the order went: on time, late, never delivered.
REVIEW_SCORES: dict[str, tuple[float, ...]] = {
    "on_time": (0.072, 0.026, 0.079, 0.206, 0.617),
    "late": (0.46, 0.09, 0.12, 0.11, 0.22),
    "undelivered": (0.72, 0.07, 0.08, 0.04, 0.09),
}

# Chance that a review of a given score (1..5) has a title, and a message.
REVIEW_TITLE_RATE: tuple[float, ...] = (0.16, 0.15, 0.13, 0.11, 0.11)
REVIEW_MESSAGE_RATE: tuple[float, ...] = (0.76, 0.68, 0.52, 0.31, 0.34)

REVIEW_TITLES: dict[str, tuple[str, ...]] = {
    "good": (
        "Recomendo", "Super recomendo", "Ótimo", "Excelente", "Muito bom", "Bom",
        "Maravilhoso!", "Adorei", "Ótimo produto", "Entrega rápida", "Nota 10", "10", "5",
        "Perfeito", "Tudo certo", "Muito bom.",
    ),
    "neutral": ("Razoável", "Bom", "Poderia ser melhor", "Ok", "Mais ou menos", "Regular"),
    "bad": (
        "Não recebi", "Produto com defeito", "Péssimo", "Não recomendo", "Decepcionado",
        "Produto errado", "Atraso na entrega", "Produto pirata!", "Ruim",
    ),
}  # fmt: skip

REVIEW_SENTENCES: dict[str, tuple[str, ...]] = {
    "good": (
        "Produto chegou antes do prazo", "Recomendo a loja", "Ótimo produto, muito bem embalado",
        "Entrega rápida e produto de qualidade", "Tudo certo com a compra",
        "Chegou certinho, igual à foto", "Adorei o produto", "Vendedor confiável",
        "Superou minhas expectativas", "Muito bom, recomendo", "Qualidade excelente pelo preço",
        "Comprei para presente e a pessoa amou", "Entregue dentro do prazo",
        "Parabéns pela agilidade", "Tudo ok", "Bom custo benefício", "Chegou rápido",
        "Estou satisfeita com a compra", "Excelente", "Produto original, bem acabado",
        'Veio com um bilhete escrito "obrigado pela compra", adorei',
        "Recebi bem antes do prazo estipulado", "Loja nota 10",
    ),
    "neutral": (
        "Produto bom, mas a embalagem veio amassada", "Demorou um pouco, mas chegou",
        "O produto é bom, porém menor do que eu esperava", "Ainda não testei",
        "A cor é um pouco diferente da foto", "Entrega dentro do prazo, produto mediano",
        'Na descrição dizia "tamanho único", mas ficou apertado', "Razoável",
    ),
    "bad": (
        "Não recebi o produto", "Produto veio com defeito", "Até agora nada de entrega",
        "Comprei dois e veio apenas um", "Produto diferente do anunciado",
        "Péssimo atendimento, ninguém responde", "Já passou do prazo e não chegou",
        "Veio quebrado", "Quero meu dinheiro de volta", "A nota fiscal veio com o nome errado",
        'O rastreamento diz "entregue", mas não recebi nada',
        'Na caixa estava escrito "frágil" e mesmo assim veio quebrado',
        "Comprei o produto e recebi outro, de outra cor",
    ),
}  # fmt: skip

# How sentences of one message are joined, and how a message may end (typed on a phone).
SENTENCE_JOINS: tuple[str, ...] = (". ", ". ", ", ", " ", "\n", ".\n", "\n\n", "... ")
MESSAGE_ENDINGS: tuple[str, ...] = ("", "", "", ".", ".", "!", "!!", "...", " ", "\n")
