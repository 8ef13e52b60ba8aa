/** Fixed word lists: user i always gets the same name, company and place. */
export const FIRST_NAMES = [
  'Ada', 'Alan', 'Barbara', 'Claude', 'Donald', 'Edsger', 'Frances', 'Grace', 'Hedy', 'Ivan',
  'John', 'Katherine', 'Linus', 'Margaret', 'Niklaus', 'Ole', 'Radia', 'Ken', 'Sophie', 'Tim',
  'Unni', 'Vint', 'Whitfield', 'Xiaoyun', 'Yukihiro', 'Zhores', 'Anita', 'Bjarne', 'Carl', 'Dennis',
];

export const LAST_NAMES = [
  'Lovelace', 'Turing', 'Liskov', 'Shannon', 'Knuth', 'Dijkstra', 'Allen', 'Hopper', 'Lamarr', 'Sutherland',
  'McCarthy', 'Johnson', 'Torvalds', 'Hamilton', 'Wirth', 'Dahl', 'Perlman', 'Thompson', 'Wilson', 'Berners-Lee',
  'Mahmood', 'Cerf', 'Diffie', 'Wang', 'Matsumoto', 'Alferov', 'Borg', 'Stroustrup', 'Hewitt', 'Ritchie',
  'Kay', 'Backus', 'Codd', 'Engelbart', 'Goldberg', 'Hoare', 'Iverson', 'Kernighan', 'Lamport', 'Milner',
];

export const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Aperture'];
export const COMPANY_SUFFIXES = ['Labs', 'Systems', 'Industries', 'Holdings', 'Analytics', 'Networks', 'Foods', 'Logistics'];

export const PLACES: ReadonlyArray<readonly [city: string, country: string]> = [
  ['Lisbon', 'Portugal'], ['Berlin', 'Germany'], ['Lyon', 'France'], ['Osaka', 'Japan'], ['Austin', 'United States'],
  ['Toronto', 'Canada'], ['Nairobi', 'Kenya'], ['Recife', 'Brazil'], ['Krakow', 'Poland'], ['Seoul', 'South Korea'],
  ['Melbourne', 'Australia'], ['Pune', 'India'], ['Tallinn', 'Estonia'], ['Accra', 'Ghana'], ['Porto', 'Portugal'],
  ['Bilbao', 'Spain'], ['Utrecht', 'Netherlands'], ['Gothenburg', 'Sweden'], ['Cork', 'Ireland'], ['Montevideo', 'Uruguay'],
];
