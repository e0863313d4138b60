package dev.orderly.server.demo;

import java.util.List;

/**
 * Korea's 17 first-level divisions (시·도) with a selection of their districts (시·군·구) and a
 * population weight (millions, 2021, rounded), their English names and telephone area codes, for spreading demo clinics the way people live.
 */
final class KoreanRegions {

    /** {@code english}: the official English name; {@code areaCode}: the telephone area code. */
    record Province(String name, String english, String areaCode, double populationMillions, List<String> districts) {
    }

    static final List<Province> ALL = List.of(
            new Province("서울특별시", "Seoul", "02", 9.5, List.of("강남구", "강동구", "강북구", "강서구", "관악구", "광진구", "구로구", "금천구",
                    "노원구", "도봉구", "동대문구", "동작구", "마포구", "서대문구", "서초구", "성동구", "성북구", "송파구",
                    "양천구", "영등포구", "용산구", "은평구", "종로구", "중구", "중랑구")),
            new Province("부산광역시", "Busan", "051", 3.4, List.of("강서구", "금정구", "남구", "동래구", "부산진구", "북구", "사상구", "사하구",
                    "서구", "수영구", "연제구", "영도구", "중구", "해운대구", "기장군")),
            new Province("대구광역시", "Daegu", "053", 2.4, List.of("남구", "달서구", "동구", "북구", "서구", "수성구", "중구", "달성군")),
            new Province("인천광역시", "Incheon", "032", 2.9, List.of("계양구", "남동구", "동구", "미추홀구", "부평구", "서구", "연수구", "중구", "강화군")),
            new Province("광주광역시", "Gwangju", "062", 1.4, List.of("광산구", "남구", "동구", "북구", "서구")),
            new Province("대전광역시", "Daejeon", "042", 1.5, List.of("대덕구", "동구", "서구", "유성구", "중구")),
            new Province("울산광역시", "Ulsan", "052", 1.1, List.of("남구", "동구", "북구", "중구", "울주군")),
            new Province("세종특별자치시", "Sejong", "044", 0.4, List.of("세종시")),
            new Province("경기도", "Gyeonggi-do", "031", 13.6, List.of("수원시", "성남시", "고양시", "용인시", "부천시", "안산시", "안양시", "남양주시",
                    "화성시", "평택시", "의정부시", "시흥시", "파주시", "김포시", "광명시", "광주시", "군포시", "하남시",
                    "오산시", "이천시", "안성시", "의왕시", "양주시", "포천시", "여주시", "동두천시", "과천시", "구리시")),
            new Province("강원도", "Gangwon-do", "033", 1.5, List.of("춘천시", "원주시", "강릉시", "동해시", "태백시", "속초시", "삼척시", "홍천군", "횡성군", "평창군")),
            new Province("충청북도", "Chungcheongbuk-do", "043", 1.6, List.of("청주시", "충주시", "제천시", "보은군", "옥천군", "영동군", "진천군", "음성군")),
            new Province("충청남도", "Chungcheongnam-do", "041", 2.1, List.of("천안시", "공주시", "보령시", "아산시", "서산시", "논산시", "계룡시", "당진시", "홍성군", "예산군")),
            new Province("전라북도", "Jeollabuk-do", "063", 1.8, List.of("전주시", "군산시", "익산시", "정읍시", "남원시", "김제시", "완주군", "고창군", "부안군")),
            new Province("전라남도", "Jeollanam-do", "061", 1.8, List.of("목포시", "여수시", "순천시", "나주시", "광양시", "담양군", "고흥군", "해남군", "무안군")),
            new Province("경상북도", "Gyeongsangbuk-do", "054", 2.6, List.of("포항시", "경주시", "김천시", "안동시", "구미시", "영주시", "영천시", "상주시", "문경시", "경산시", "칠곡군")),
            new Province("경상남도", "Gyeongsangnam-do", "055", 3.3, List.of("창원시", "진주시", "통영시", "사천시", "김해시", "밀양시", "거제시", "양산시", "함안군", "창녕군", "거창군")),
            new Province("제주특별자치도", "Jeju-do", "064", 0.7, List.of("제주시", "서귀포시")));

    private KoreanRegions() {
    }
}
