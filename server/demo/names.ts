/**
 * Names and places for the demo club. People's names reflect South Africa's mix; clubs and courses are fictional.
 */

export interface NamePool {
  culture: string;
  /** Share of the club's people, in percent. */
  weight: number;
  female: readonly string[];
  male: readonly string[];
  surnames: readonly string[];
}

export const NAME_POOLS: readonly NamePool[] = [
  {
    culture: 'zulu',
    weight: 15,
    female: ['Nomvula', 'Thandeka', 'Lindiwe', 'Zanele', 'Nokuthula', 'Khanyisile', 'Sibongile', 'Nonhlanhla', 'Zodwa', 'Ayanda', 'Hlengiwe', 'Mbali'],
    male: ['Sipho', 'Themba', 'Sibusiso', 'Mandla', 'Bongani', 'Sanele', 'Nkosinathi', 'Lwazi', 'Musa', 'Sifiso', 'Thulani', 'Mlungisi'],
    surnames: ['Dlamini', 'Nkosi', 'Ndlovu', 'Mthembu', 'Zulu', 'Khumalo', 'Cele', 'Ngcobo', 'Mkhize', 'Shabalala', 'Buthelezi', 'Zungu', 'Gumede', 'Sithole', 'Mtshali', 'Magwaza'],
  },
  {
    culture: 'xhosa',
    weight: 10,
    female: ['Anathi', 'Lulama', 'Zintle', 'Asanda', 'Yonela', 'Akhona', 'Unathi', 'Phumza', 'Nosipho', 'Siphokazi', 'Ntombizodwa', 'Bulelwa'],
    male: ['Lwando', 'Siyabonga', 'Athi', 'Luvo', 'Sinethemba', 'Vuyo', 'Mzwandile', 'Lunga', 'Xolani', 'Ayabonga', 'Mthunzi', 'Zola'],
    surnames: ['Mahlati', 'Gqirana', 'Ntshona', 'Mpofu', 'Jali', 'Booi', 'Nkwinti', 'Sityana', 'Qwabe', 'Mayekiso', 'Dyantyi', 'Plaatjie', 'Ngcukana', 'Mgxaji', 'Tshangana'],
  },
  {
    culture: 'sotho-tswana',
    weight: 10,
    female: ['Lerato', 'Palesa', 'Refilwe', 'Mpho', 'Neo', 'Boitumelo', 'Dikeledi', 'Karabo', 'Masego', 'Kelebogile', 'Naledi', 'Tshegofatso'],
    male: ['Thabo', 'Kagiso', 'Tumelo', 'Katlego', 'Tshepo', 'Lebogang', 'Teboho', 'Kabelo', 'Mpho', 'Tebogo', 'Lesego', 'Oupa'],
    surnames: ['Mokoena', 'Molefe', 'Mofokeng', 'Modise', 'Maseko', 'Letsoalo', 'Sebola', 'Motaung', 'Nthite', 'Mabena', 'Ramaphoko', 'Tau', 'Mothibi', 'Sekhukhune', 'Moloi'],
  },
  {
    culture: 'afrikaans',
    weight: 21,
    female: ['Elmarie', 'Marlize', 'Annelie', 'Karin', 'Sunette', 'Chantelle', 'Anri', 'Marike', 'Liezl', 'Ilse', 'Riana', 'Wilma', 'Carien', 'Mariska'],
    male: ['Johan', 'Pieter', 'Willem', 'Hendrik', 'Francois', 'Riaan', 'Jaco', 'Wian', 'Ruan', 'Danie', 'Gerhard', 'Stefan', 'Christo', 'Jannie', 'Deon'],
    surnames: ['van der Merwe', 'Botha', 'du Plessis', 'Pretorius', 'Venter', 'Coetzee', 'Steyn', 'van Wyk', 'Nel', 'Swanepoel', 'Joubert', 'Kruger', 'le Roux', 'Fourie', 'Oosthuizen', 'Bezuidenhout', 'Engelbrecht', 'du Toit'],
  },
  {
    culture: 'english',
    weight: 22,
    female: ['Sarah', 'Emma', 'Nicole', 'Lauren', 'Jessica', 'Megan', 'Tracey', 'Claire', 'Kirsten', 'Michelle', 'Gillian', 'Samantha', 'Caroline', 'Bronwyn'],
    male: ['James', 'David', 'Michael', 'Gareth', 'Craig', 'Bradley', 'Ryan', 'Warren', 'Kevin', 'Shaun', 'Graham', 'Andrew', 'Brett', 'Clive', 'Trevor'],
    surnames: ['Smith', 'Williams', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Murray', 'Campbell', 'Thompson', 'Clarke', 'Harris', 'Edwards', 'Stewart', 'Fraser', 'Hughes', 'Robertson', 'Bennett'],
  },
  {
    culture: 'indian',
    weight: 13,
    female: ['Kavitha', 'Priya', 'Anisha', 'Yashika', 'Shanthi', 'Nishani', 'Devika', 'Saloshni', 'Kerusha', 'Thashni', 'Reshma', 'Verusha'],
    male: ['Pravesh', 'Ravi', 'Suresh', 'Rajesh', 'Kumeshen', 'Thiroshan', 'Devan', 'Vikash', 'Kreshen', 'Nivesh', 'Sashin', 'Logan'],
    surnames: ['Naidoo', 'Pillay', 'Govender', 'Moodley', 'Reddy', 'Chetty', 'Maharaj', 'Singh', 'Naicker', 'Padayachee', 'Ramsamy', 'Moonsamy', 'Perumal', 'Sewpersad'],
  },
  {
    culture: 'cape',
    weight: 9,
    female: ['Fatima', 'Shireen', 'Naziema', 'Raeesa', 'Tasneem', 'Lee-Ann', 'Charmaine', 'Ursula', 'Zaida', 'Bianca'],
    male: ['Ebrahim', 'Yusuf', 'Nazeem', 'Abdurahman', 'Faiek', 'Riedewaan', 'Clinton', 'Ashwin', 'Quinton', 'Ridwaan'],
    surnames: ['Adams', 'Hendricks', 'Isaacs', 'Jacobs', 'Davids', 'Abrahams', 'Petersen', 'Arendse', 'Fortuin', 'Solomons', 'Daniels', 'Cupido', 'Salie'],
  },
];

/** Reserved example domains only: the demo must never address a real mailbox. */
export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com', 'inbox.example.org', 'home.example.net'];
export const WORK_EMAIL_DOMAINS = ['work.example.com', 'corp.example.net', 'office.example.org'];

/** ZA mobile prefixes (after the trunk 0) that libphonenumber accepts as valid mobile ranges. */
export const MOBILE_PREFIXES = ['60', '61', '62', '63', '64', '65', '66', '67', '71', '72', '73', '74', '76', '78', '79', '81', '82', '83', '84'];

export const HOME_CLUB = { id: 'club_1001', name: 'Demo Golf Club' } as const;

export const HOME_COURSES = [
  { id: 'crs_1001_a', name: 'Protea Championship Course', holes: 18, weight: 78 },
  { id: 'crs_1001_b', name: 'Acacia Nine', holes: 9, weight: 22 },
] as const;

/** Other (fictional) clubs: visitors' home clubs, and where members play away. */
export const OTHER_CLUBS = [
  { id: 'club_2040', name: 'Blouberg Links', courseId: 'crs_2040_a', courseName: 'Dune Course' },
  { id: 'club_2113', name: 'Highveld Ridge Country Club', courseId: 'crs_2113_a', courseName: 'Ridge Course' },
  { id: 'club_2207', name: 'Umdoni Dunes Golf Estate', courseId: 'crs_2207_a', courseName: 'Estuary Course' },
  { id: 'club_2318', name: 'Karoo Springs Golf Estate', courseId: 'crs_2318_a', courseName: 'Springbok Course' },
  { id: 'club_2402', name: 'Drakensview Golf Club', courseId: 'crs_2402_a', courseName: 'Amphitheatre Course' },
  { id: 'club_2519', name: 'Silver Oaks Golf Club', courseId: 'crs_2519_a', courseName: 'Oaks Course' },
  { id: 'club_2633', name: 'Hartbees Valley Golf Club', courseId: 'crs_2633_a', courseName: 'Valley Course' },
] as const;

/** Club competitions through the year; the monthly medal fills the gaps. */
export const COMPETITION_NAMES = [
  'Club Championship',
  "Captain's Day",
  'Mixed Betterball',
  "Seniors' Open",
  "Ladies' Invitational",
  'Junior Open',
  'Spring Classic',
  "President's Cup",
  'Charity Four-Ball Alliance',
  'Winter Stableford Series',
  'Heritage Day Scramble',
  'Festive Fourball',
];
