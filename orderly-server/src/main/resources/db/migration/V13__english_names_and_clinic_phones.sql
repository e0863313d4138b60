-- English names for the places and products people pick (empty: the page shows the Korean one),
-- and the clinic's telephone number for the booking confirmation (empty: unknown).
ALTER TABLE clinics ADD COLUMN IF NOT EXISTS phone TEXT NOT NULL DEFAULT '';
ALTER TABLE clinics ADD COLUMN IF NOT EXISTS name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE clinics ADD COLUMN IF NOT EXISTS province_en TEXT NOT NULL DEFAULT '';
ALTER TABLE clinics ADD COLUMN IF NOT EXISTS district_en TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN IF NOT EXISTS name_en TEXT NOT NULL DEFAULT '';

-- The seventeen first-level divisions have official English names: rows loaded before this
-- migration get them at once.
UPDATE clinics c SET province_en = n.en
FROM (VALUES ('서울특별시', 'Seoul'), ('부산광역시', 'Busan'), ('대구광역시', 'Daegu'), ('인천광역시', 'Incheon'),
             ('광주광역시', 'Gwangju'), ('대전광역시', 'Daejeon'), ('울산광역시', 'Ulsan'), ('세종특별자치시', 'Sejong'),
             ('경기도', 'Gyeonggi-do'), ('강원도', 'Gangwon-do'), ('충청북도', 'Chungcheongbuk-do'),
             ('충청남도', 'Chungcheongnam-do'), ('전라북도', 'Jeollabuk-do'), ('전라남도', 'Jeollanam-do'),
             ('경상북도', 'Gyeongsangbuk-do'), ('경상남도', 'Gyeongsangnam-do'), ('제주특별자치도', 'Jeju-do')) AS n (ko, en)
WHERE c.province = n.ko AND c.province_en = '';
